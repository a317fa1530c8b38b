import { type PoolClient, type Pools, withTransaction } from '../../infra/db.js';
import type { Actor } from '../../domain/staff-roles.js';
import type { AuditEntry, AuditStore } from './audit-store.js';

/**
 * A staff change and its audit row in one transaction: both are written or neither. The
 * change says what it did (`entry`, with the state before and after) and what to answer.
 * Effects outside Postgres (cache invalidations, mails) belong after it returns, once the
 * change is committed and every reader can see it. A change that found nothing to do
 * answers `entry: null`: nothing is written to the log.
 */
export function createAuditedChanges({ pools, audit }: { pools: Pools; audit: Pick<AuditStore, 'record'> }) {
  return async function change<T>(actor: Actor, run: (tx: PoolClient) => Promise<{ entry: AuditEntry | null; result: T }>): Promise<T> {
    return withTransaction(pools.primary, async (tx) => {
      const { entry, result } = await run(tx);
      if (entry) await audit.record(tx, actor, entry);
      return result;
    });
  };
}

export type AuditedChange = ReturnType<typeof createAuditedChanges>;
