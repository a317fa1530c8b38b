import type { AuditEntryView } from '../../contract/admin-api.js';
import type { Actor } from '../../domain/staff-roles.js';
import type { Pools, Queryable } from '../../infra/db.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | number;
  before?: unknown;
  after?: unknown;
}

export interface AuditRow extends Omit<AuditEntryView, 'at'> {
  at: Date;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
  /** Rows with a smaller id (older): the keyset cursor. */
  beforeId?: number;
  limit: number;
}

/** The audit log: appended in the transaction of each change, never updated (a trigger refuses it). */
export function createAuditStore({ pools }: { pools: Pools }) {
  return {
    async record(tx: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
      await tx.query(
        `INSERT INTO audit_log (actor, actor_user_id, role, action, target_type, target_id, before, after, address)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          actor.name,
          actor.userId,
          actor.role,
          entry.action,
          entry.targetType,
          String(entry.targetId),
          entry.before === undefined ? null : JSON.stringify(entry.before),
          entry.after === undefined ? null : JSON.stringify(entry.after),
          actor.address || null,
        ],
      );
    },

    /** Newest first; on the primary, since staff look for the change they just made. */
    async list(f: AuditFilter): Promise<AuditRow[]> {
      const { rows } = await pools.primary.query<AuditRow>(
        `SELECT id, at, actor, actor_user_id, role, action, target_type, target_id, before, after, address
           FROM audit_log
          WHERE ($1::text IS NULL OR actor = $1)
            AND ($2::text IS NULL OR action = $2)
            AND ($3::text IS NULL OR target_type = $3)
            AND ($4::text IS NULL OR target_id = $4)
            AND ($5::timestamptz IS NULL OR at >= $5)
            AND ($6::timestamptz IS NULL OR at < $6)
            AND ($7::bigint IS NULL OR id < $7)
          ORDER BY id DESC
          LIMIT $8`,
        [f.actor ?? null, f.action ?? null, f.targetType ?? null, f.targetId ?? null, f.from ?? null, f.to ?? null, f.beforeId ?? null, f.limit],
      );
      return rows;
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
