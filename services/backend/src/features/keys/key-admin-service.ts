import { NotFoundError } from '../../infra/errors.js';
import type { Actor } from '../audit/audit-store.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { KeyService } from './key-service.js';
import { keyView } from './key-store.js';

/** Staff issuing and revoking a user's keys, audited (the plain key never enters the log). */
export function createKeyAdminService({ keys, change }: { keys: Pick<KeyService, 'issue' | 'revokeWithin' | 'announce'>; change: AuditedChange }) {
  return {
    issue: (actor: Actor, userId: number, name: string, expiresAt: Date | null) =>
      change(actor, async (tx) => {
        const key = await keys.issue(userId, name, expiresAt, tx);
        return { entry: { action: 'api_key.issue', targetType: 'api_key', targetId: key.id, after: { user_id: userId, ...keyView(key) } }, result: key };
      }),

    /** Revoked in the transaction; every worker hears of it once it committed. */
    async revoke(actor: Actor, keyId: number): Promise<void> {
      const revoked = await change(actor, async (tx) => {
        const record = await keys.revokeWithin(tx, keyId);
        if (!record) throw new NotFoundError('No such API key.', 'api_key_not_found');
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
