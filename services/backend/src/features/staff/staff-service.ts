import type { Actor, StaffRole } from '../../domain/staff-roles.js';
import { NotFoundError } from '../../infra/errors.js';
import type { AccountService } from '../accounts/account-service.js';
import type { SessionService } from '../accounts/session-service.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import { checkRoleChange } from './staff-rules.js';
import type { StaffStore } from './staff-store.js';

/**
 * Appointing staff and changing their roles (staff.manage), audited, by the rules of
 * staff-rules.ts. An address without a password gets the usual reset mail to choose one.
 * A person whose role changed is signed out everywhere: a session keeps no power its
 * holder lost, and a new one starts with the new role.
 */
export function createStaffService({
  staff,
  accounts,
  sessions,
  change,
}: {
  staff: Pick<StaffStore, 'lockForChange' | 'lockOrCreateByEmail' | 'setRole'>;
  accounts: Pick<AccountService, 'forgotPassword'>;
  sessions: Pick<SessionService, 'destroyAllForUser'>;
  change: AuditedChange;
}) {
  return {
    async appoint(actor: Actor, email: string, role: StaffRole) {
      const { member, invite, changed } = await change(actor, async (tx) => {
        const target = await staff.lockOrCreateByEmail(tx, email);
        checkRoleChange(actor, target, role);
        const after = await staff.setRole(tx, target.id, role);
        const entry = { action: 'staff.appoint', targetType: 'user', targetId: target.id, before: { role: target.role }, after: { role } };
        return { entry, result: { member: after, invite: !target.has_password, changed: target.role !== role } };
      });
      if (changed) await sessions.destroyAllForUser(member.id);
      if (invite) await accounts.forgotPassword(member.email);
      return member;
    },

    async setRole(actor: Actor, id: number, role: StaffRole | null) {
      const member = await change(actor, async (tx) => {
        const target = await staff.lockForChange(tx, id);
        if (!target?.role) throw new NotFoundError('No such staff member.', 'staff_not_found');
        checkRoleChange(actor, target, role);
        const after = await staff.setRole(tx, id, role);
        return { entry: { action: 'staff.role', targetType: 'user', targetId: id, before: { role: target.role }, after: { role } }, result: after };
      });
      await sessions.destroyAllForUser(member.id);
      return member;
    },
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
