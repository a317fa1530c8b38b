import type { Actor } from '../../domain/staff-roles.js';
import { NotFoundError } from '../../infra/errors.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import { type AccountAction, checkAccountAction } from '../staff/staff-rules.js';
import type { StaffStore } from '../staff/staff-store.js';
import type { KeyService } from './key-service.js';
import { keyView } from './key-store.js';

const noUser = () => new NotFoundError('No such user.', 'user_not_found');

/**
 * Staff issuing and revoking a user's keys, audited (the plain key never enters the log).
 * A staff member's keys only by those who manage staff (staff-rules.ts).
 */
export function createKeyAdminService({
  keys,
  staff,
  change,
}: {
  keys: Pick<KeyService, 'issue' | 'revokeWithin' | 'announce'>;
  staff: Pick<StaffStore, 'lockForChange'>;
  change: AuditedChange;
}) {
  async function checkOwner(tx: Parameters<StaffStore['lockForChange']>[0], actor: Actor, userId: number, action: AccountAction) {
    const owner = await staff.lockForChange(tx, userId);
    if (!owner) throw noUser();
    checkAccountAction(actor, owner, action);
  }

  return {
    issue: (actor: Actor, userId: number, name: string, expiresAt: Date | null) =>
      change(actor, async (tx) => {
        await checkOwner(tx, actor, userId, 'issue_key');
        const key = await keys.issue(userId, name, expiresAt, tx);
        return { entry: { action: 'api_key.issue', targetType: 'api_key', targetId: key.id, after: { user_id: userId, ...keyView(key) } }, result: key };
      }),

    /** Revoked in the transaction; every worker hears of it once it committed. */
    async revoke(actor: Actor, keyId: number): Promise<void> {
      const revoked = await change(actor, async (tx) => {
        const record = await keys.revokeWithin(tx, keyId);
        if (!record) throw new NotFoundError('No such API key.', 'api_key_not_found');
        await checkOwner(tx, actor, record.userId, 'revoke_key');
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
