import type { Actor } from '../../domain/staff-roles.js';
import { NotFoundError } from '../../infra/errors.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { AccountActions } from '../staff/account-actions.js';
import type { KeyService } from './key-service.js';
import { keyView } from './key-views.js';

/**
 * Staff issuing and revoking a user's keys, audited (the plain key never enters the log).
 * A staff member's keys only by those who manage staff (staff-rules.ts).
 */
export function createKeyAdminService({
  keys,
  accountActions,
  change,
}: {
  keys: Pick<KeyService, 'issue' | 'revokeWithin' | 'announce'>;
  accountActions: AccountActions;
  change: AuditedChange;
}) {
  return {
    issue: (actor: Actor, userId: number, name: string, expiresAt: Date | null) =>
      change(actor, async (tx) => {
        await accountActions.lockFor(tx, actor, userId, 'issue_key');
        const key = await keys.issue(userId, name, expiresAt, tx);
        return { entry: { action: 'api_key.issue', targetType: 'api_key', targetId: key.id, after: { user_id: userId, ...keyView(key) } }, result: key };
      }),

    /** Revoked in the transaction; every worker hears of it once it committed. */
    async revoke(actor: Actor, keyId: number): Promise<void> {
      const revoked = await change(actor, async (tx) => {
        const record = await keys.revokeWithin(tx, keyId);
        if (!record) throw new NotFoundError('No such API key.', 'api_key_not_found');
        await accountActions.lockFor(tx, actor, record.userId, 'revoke_key');
        return {
          entry: { action: 'api_key.revoke', targetType: 'api_key', targetId: keyId, after: { user_id: record.userId, status: 'revoked' } },
          result: record,
        };
      });
      await keys.announce([revoked]);
    },
  };
}

export type KeyAdminService = ReturnType<typeof createKeyAdminService>;
