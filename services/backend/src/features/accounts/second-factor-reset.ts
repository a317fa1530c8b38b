import type { Actor } from '../../domain/staff-roles.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { AccountStore } from './account-store.js';
import type { SecondFactorStore } from './second-factor-store.js';
import type { SessionService } from './session-service.js';

interface Deps {
  accounts: Pick<AccountStore, 'findByEmail'>;
  store: Pick<SecondFactorStore, 'clear'>;
  change: AuditedChange;
  sessions: Pick<SessionService, 'destroyAllForUser'>;
}

/**
 * An operator's way back in for someone whose phone and recovery codes are gone: the
 * account's second factor (secret and recovery codes) is turned off, audited in the same
 * transaction, and every session of the account ends, so that whoever held one (the person,
 * or someone who took over the account) signs in again with the password alone and, being
 * staff, must enrol a new second factor before the admin API opens to them.
 */
export function createSecondFactorReset({ accounts, store, change, sessions }: Deps) {
  return {
    /** The account reset, or undefined when no account has this address. */
    async reset(email: string, actor: Actor): Promise<{ userId: number; email: string; wasOn: boolean } | undefined> {
      const account = await accounts.findByEmail(email);
      if (!account) return undefined;
      const wasOn = await change(actor, async (tx) => {
        const on = await store.clear(tx, account.id);
        const entry = {
          action: 'user.reset_second_factor',
          targetType: 'user',
          targetId: account.id,
          before: { totp_enabled: on },
          after: { totp_enabled: false },
        };
        return { entry, result: on };
      });
      // After the commit: a session begun in between was checked against the old factor, and ends too.
      await sessions.destroyAllForUser(account.id);
      return { userId: account.id, email: account.email, wasOn };
    },
  };
}
