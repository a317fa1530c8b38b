import type { Actor } from '../../domain/staff-roles.js';
import { HttpError } from '../../infra/errors.js';
import type { AccountService } from '../accounts/account-service.js';
import type { SessionService } from '../accounts/session-service.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { KeyService } from '../keys/key-service.js';
import type { AccountActions } from '../staff/account-actions.js';
import type { User, UserStore } from './user-store.js';
import { userView } from './user-views.js';

interface Deps {
  users: UserStore;
  accountActions: AccountActions;
  keys: Pick<KeyService, 'refreshUser'>;
  sessions: Pick<SessionService, 'destroyAllForUser'>;
  accounts: Pick<AccountService, 'forgotPassword'>;
  change: AuditedChange;
}

/**
 * Staff's changes to users, each audited: create; suspend (every key refused by every
 * worker of every replica within a second, console sessions ended) and resume; a
 * password-reset mail. A staff member's account only by those who manage staff, and
 * never the last active owner's suspension (staff-rules.ts).
 */
export function createUserAdminService({ users, accountActions, keys, sessions, accounts, change }: Deps) {
  return {
    create: (actor: Actor, email: string) =>
      change(actor, async (tx) => {
        const created = await users.create(email, tx);
        if (!created) throw new HttpError(409, 'A user with this email exists.', 'invalid_request_error', 'email_taken');
        return { entry: { action: 'user.create', targetType: 'user', targetId: created.id, after: userView(created) }, result: created };
      }),

    async setStatus(actor: Actor, userId: number, status: User['status']): Promise<User> {
      const user = await change(actor, async (tx) => {
        const before = await accountActions.lockFor(tx, actor, userId, status === 'suspended' ? 'suspend' : 'resume');
        const after = (await users.setStatus(userId, status, tx))!;
        const action = status === 'suspended' ? 'user.suspend' : 'user.resume';
        return { entry: { action, targetType: 'user', targetId: userId, before: { status: before.status }, after: { status } }, result: after };
      });
      await keys.refreshUser(user.id);
      if (status === 'suspended') await sessions.destroyAllForUser(user.id);
      return user;
    },

    async sendPasswordReset(actor: Actor, userId: number): Promise<void> {
      const user = await change(actor, async (tx) => {
        const found = await accountActions.lockFor(tx, actor, userId, 'password_reset');
        return { entry: { action: 'user.password_reset_mail', targetType: 'user', targetId: userId }, result: found };
      });
      await accounts.forgotPassword(user.email);
    },
  };
}

export type UserAdminService = ReturnType<typeof createUserAdminService>;
