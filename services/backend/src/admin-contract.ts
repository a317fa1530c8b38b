/**
 * The admin API as the console imports it (`@codex-gateway/backend/admin-api`): the
 * answers' shapes (contract/admin-api.ts) and the request schemas, which live with their
 * features (`features/<feature>/<feature>-schemas.ts`), so the console's forms check with the
 * very schemas the routes parse with. It sits above the features and nothing in the backend
 * imports it. The browser build imports this file: nothing reachable from it may need Node
 * (schemas build on zod, domain/ and src/infra/input-fields.ts alone).
 */
import type { z } from 'zod';
import type { newInvitesRequest } from './features/accounts/account-schemas.js';
import type { channelChange, newChannel } from './features/channels/channel-schemas.js';
import type { issueKeyRequest } from './features/keys/key-schemas.js';
import type { modelChange, newModel } from './features/models/model-schemas.js';
import type { grantPackageRequest, newPackage, packageChange } from './features/packages/package-schemas.js';
import type { newCodesRequest, voidCodesRequest } from './features/redemption/redemption-schemas.js';
import type { appointStaffRequest, staffRoleChange } from './features/staff/staff-schemas.js';
import type { newUserRequest } from './features/users/user-schemas.js';

export * from './contract/admin-api.js';
export { newInvitesRequest } from './features/accounts/account-schemas.js';
export { auditQuery } from './features/audit/audit-schemas.js';
export { channelChange, newChannel } from './features/channels/channel-schemas.js';
export { issueKeyRequest } from './features/keys/key-schemas.js';
export { MODEL_NAME, modelChange, newModel } from './features/models/model-schemas.js';
export { grantPackageRequest, newPackage, packageChange } from './features/packages/package-schemas.js';
export { orderListQuery, paymentEventsQuery } from './features/payments/payment-schemas.js';
export { codeCsvQuery, codeListQuery, newCodesRequest, voidCodesRequest } from './features/redemption/redemption-schemas.js';
export { appointStaffRequest, staffRoleChange } from './features/staff/staff-schemas.js';
export { dayRangeQuery, requestSearchQuery, usageSummaryQuery } from './features/usage/usage-schemas.js';
export { newUserRequest, userSearchQuery } from './features/users/user-schemas.js';

/** POST /api/admin/staff: a new address gets a mail to choose its password. */
export type AppointStaffRequest = z.input<typeof appointStaffRequest>;
/** PATCH /api/admin/staff/:id: another role, or null to take the role away. */
export type ChangeStaffRoleRequest = z.input<typeof staffRoleChange>;
/** POST /api/admin/users → 201 UserView (409 email_taken). */
export type CreateUserRequest = z.input<typeof newUserRequest>;
/** POST /api/admin/users/:id/api-keys {name?, expires_at?}; DELETE /api/admin/api-keys/:id → 204. */
export type IssueKeyRequest = z.input<typeof issueKeyRequest>;
/** POST /api/admin/packages → 201 AdminPackageView. */
export type CreatePackageRequest = z.input<typeof newPackage>;
export type PackageChangeRequest = z.input<typeof packageChange>;
/** POST /api/admin/users/:id/packages {package_id} → 201: the period granted (queued after any current one). */
export type GrantPackageRequest = z.input<typeof grantPackageRequest>;
/** POST /api/admin/redemption-codes → 201. */
export type CreateCodesRequest = z.input<typeof newCodesRequest>;
/** POST /api/admin/redemption-codes/void: a batch's unused codes, or the listed ones. */
export type VoidCodesRequest = z.input<typeof voidCodesRequest>;
/** POST /api/admin/signup-invites → 201 {data}: codes for invite-only sign-up. */
export type CreateInvitesRequest = z.input<typeof newInvitesRequest>;
/** POST /api/admin/channels → 201 ChannelView. */
export type CreateChannelRequest = z.input<typeof newChannel>;
export type ChannelChangeRequest = z.input<typeof channelChange>;
/** POST /api/admin/models → 201 ModelView. */
export type CreateModelRequest = z.input<typeof newModel>;
export type ModelChangeRequest = z.input<typeof modelChange>;
