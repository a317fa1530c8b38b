import { HttpError, NotFoundError } from '../../infra/errors.js';
import type { AccountService } from '../accounts/account-service.js';
import type { Actor, StaffRole } from '../audit/audit-store.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { StaffStore } from './staff-store.js';

/**
 * Appointing staff and changing their roles (owners only, by staff-policy.ts), audited. An
 * address without a password gets the usual reset mail to choose one; the last owner
 * cannot be removed.
 */
export function createStaffService({
  staff,
  accounts,
  change,
}: {
  staff: StaffStore;
  accounts: Pick<AccountService, 'forgotPassword'>;
  change: AuditedChange;
}) {
  return {
    async appoint(actor: Actor, email: string, role: StaffRole) {
      const { member, invite } = await change(actor, async (tx) => {
        const user = await staff.findOrCreate(tx, email);
        const after = await staff.setRole(tx, user.id, role);
        const entry = { action: 'staff.appoint', targetType: 'user', targetId: user.id, before: { role: user.role }, after: { role } };
        return { entry, result: { member: after, invite: !user.has_password } };
      });
      if (invite) await accounts.forgotPassword(member.email);
      return member;
    },

    setRole: (actor: Actor, id: number, role: StaffRole | null) =>
      change(actor, async (tx) => {
        const before = await staff.lock(tx, id);
        if (!before?.role) throw new NotFoundError('No such staff member.', 'staff_not_found');
        if (before.role === 'owner' && role !== 'owner' && (await staff.otherOwners(tx, id)) === 0) {
          throw new HttpError(409, 'This is the last owner; appoint another owner first.', 'invalid_request_error', 'last_owner');
        }
        const after = await staff.setRole(tx, id, role);
        return { entry: { action: 'staff.role', targetType: 'user', targetId: id, before: { role: before.role }, after: { role } }, result: after };
      }),
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
