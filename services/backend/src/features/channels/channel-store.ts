import type { Pools, Queryable } from '../../infra/db.js';
import { updateRow } from '../../infra/row-update.js';
import type { ChannelSettings } from '../../contract/admin-api.js';

/** A channel row without its sealed key: what views and the audit log are made from. */
export interface ChannelRow extends ChannelSettings {
  id: number;
  created_at: Date;
  updated_at: Date;
}

/** A row with its upstream key still sealed: only for the channel directory, which opens it. */
export interface SealedChannelRow extends ChannelRow {
  api_key_sealed: string | null;
}

/** What staff set; the key arrives sealed, with its hint. */
export interface ChannelFields extends ChannelSettings {
  api_key_sealed: string | null;
}

const COLUMNS =
  'id, name, kind, base_url, api_version, api_key_hint, priority, weight, models, model_map, enabled, disabled_reason, notes, created_at, updated_at';
const SEALED_COLUMNS = `${COLUMNS}, api_key_sealed`;
const EDITABLE: ReadonlySet<string> = new Set<keyof ChannelFields>([
  'name',
  'kind',
  'base_url',
  'api_version',
  'api_key_sealed',
  'api_key_hint',
  'priority',
  'weight',
  'models',
  'model_map',
  'enabled',
  'disabled_reason',
  'notes',
]);

/** A write refused by the unique name. */
export const isNameTaken = (err: unknown) => (err as { code?: string; constraint?: string }).code === '23505';

const columnValue = (column: string, v: unknown) => (column === 'model_map' ? JSON.stringify(v) : v);

// null is a value here too: no key, no reason.
const TABLE = { name: 'channels', key: 'id', columns: COLUMNS, editable: EDITABLE, toValue: columnValue };

/**
 * Upstream channels. Reads and writes on the primary (the table is small, and a change must
 * be routed at once). The sealed key is selected only by the two methods the directory uses.
 */
export function createChannelStore({ pools }: { pools: Pools }) {
  return {
    /** Every channel, highest priority first, then by name. */
    async list(): Promise<ChannelRow[]> {
      return (await pools.primary.query<ChannelRow>(`SELECT ${COLUMNS} FROM channels ORDER BY priority DESC, name`)).rows;
    },

    async get(id: number): Promise<ChannelRow | undefined> {
      return (await pools.primary.query<ChannelRow>(`SELECT ${COLUMNS} FROM channels WHERE id = $1`, [id])).rows[0];
    },

    /** Locks the channel for a change in `tx`; its state before. */
    async lock(tx: Queryable, id: number): Promise<ChannelRow | undefined> {
      return (await tx.query<ChannelRow>(`SELECT ${COLUMNS} FROM channels WHERE id = $1 FOR UPDATE`, [id])).rows[0];
    },

    /** The new channel, or undefined when its name is taken. */
    async create(tx: Queryable, c: ChannelFields): Promise<ChannelRow | undefined> {
      const { rows } = await tx.query<ChannelRow>(
        `INSERT INTO channels (name, kind, base_url, api_version, api_key_sealed, api_key_hint, priority, weight, models, model_map, enabled, disabled_reason, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (name) DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          c.name,
          c.kind,
          c.base_url,
          c.api_version,
          c.api_key_sealed,
          c.api_key_hint,
          c.priority,
          c.weight,
          c.models,
          JSON.stringify(c.model_map),
          c.enabled,
          c.disabled_reason,
          c.notes,
        ],
      );
      return rows[0];
    },

    /** Throws a unique violation (isNameTaken) when renamed to a name in use. */
    update(tx: Queryable, id: number, change: Partial<ChannelFields>): Promise<ChannelRow | undefined> {
      return updateRow<ChannelRow>(tx, TABLE, id, change);
    },

    async delete(tx: Queryable, id: number): Promise<boolean> {
      return ((await tx.query('DELETE FROM channels WHERE id = $1', [id])).rowCount ?? 0) > 0;
    },

    /** The enabled channels with their sealed keys: what the directory routes with. */
    async listEnabledSealed(): Promise<SealedChannelRow[]> {
      return (await pools.primary.query<SealedChannelRow>(`SELECT ${SEALED_COLUMNS} FROM channels WHERE enabled ORDER BY priority DESC, name`)).rows;
    },

    /** One channel, enabled or not, with its sealed key (a probe of a disabled channel). */
    async getSealed(id: number): Promise<SealedChannelRow | undefined> {
      return (await pools.primary.query<SealedChannelRow>(`SELECT ${SEALED_COLUMNS} FROM channels WHERE id = $1`, [id])).rows[0];
    },
  };
}

export type ChannelStore = ReturnType<typeof createChannelStore>;
