import { type Actor, may, type StaffRole } from '../../domain/staff-roles.js';
import { ForbiddenError, HttpError } from '../../infra/errors.js';

/** A person a staff change or account action is about, as locked for it (staff-store.ts `lockForChange`). */
export interface StaffTarget {
  id: number;
  email: string;
  role: StaffRole | null;
  status: 'active' | 'suspended';
  /** Every active owner's id, this person's included (locked with it). */
  activeOwners: readonly number[];
}

/**
 * The rules of staff changes, in one place; every path that changes a role or an account
 * (appointing, changing a role, suspending, a reset mail, keys) asks here first.
 */

const senior = (role: StaffRole | null) => role === 'owner' || role === 'admin';

/** Whether taking this person out of the active owners would leave none. */
const isLastActiveOwner = (t: StaffTarget) => t.role === 'owner' && t.status === 'active' && t.activeOwners.every((id) => id === t.id);

const lastOwner = () => new HttpError(409, 'This is the last active owner; appoint another owner first.', 'invalid_request_error', 'last_owner');

/** Nobody changes their own role; only an owner appoints, changes or removes owners and admins; the last active owner stays one. */
export function checkRoleChange(actor: Actor, target: StaffTarget, next: StaffRole | null): void {
  if (actor.userId !== null && actor.userId === target.id) throw new ForbiddenError('Nobody changes their own role; ask another owner.', 'own_role');
  if (actor.role !== 'owner' && (senior(target.role) || senior(next))) {
    throw new ForbiddenError('Only an owner appoints, changes or removes owners and admins.', 'owner_required');
  }
  if (next !== 'owner' && isLastActiveOwner(target)) throw lastOwner();
}

export type AccountAction = 'suspend' | 'resume' | 'password_reset' | 'issue_key' | 'revoke_key';

/**
 * Acting on a person's account: on a staff member's only with `staff.manage` (support and
 * admins act on customers); nobody suspends themselves; the last active owner is never
 * suspended.
 */
export function checkAccountAction(actor: Actor, target: StaffTarget, action: AccountAction): void {
  if (target.role !== null && !may(actor.role, 'staff.manage')) {
    throw new ForbiddenError("Staff members' accounts are managed by owners; your role acts on customers only.", 'staff_account');
  }
  if (action === 'suspend' && actor.userId !== null && actor.userId === target.id) throw new ForbiddenError('You cannot suspend yourself.', 'own_account');
  if (action === 'suspend' && isLastActiveOwner(target)) throw lastOwner();
}
