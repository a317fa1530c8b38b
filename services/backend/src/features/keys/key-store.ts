import { type Pools, type Queryable, withTransaction } from '../../infra/db.js';

/** A key as authentication needs it: its owner and whether either may be used. */
export interface ApiKeyRecord {
  id: number;
  userId: number;
  status: 'active' | 'revoked';
  expiresAt: Date | null;
  /** The owner's account: a suspended account's keys are refused. */
  userStatus: 'active' | 'suspended';
}

const RECORD = `k.id, k.user_id AS "userId", k.status, k.expires_at AS "expiresAt", u.status AS "userStatus"`;
const KEYS_WITH_OWNERS = 'api_keys k JOIN users u ON u.id = k.user_id';
const FIND_BY_HASH = `SELECT ${RECORD} FROM ${KEYS_WITH_OWNERS} WHERE k.key_hash = $1`;

/** A key as its owner sees it in the console: never its hash. */
export interface KeyRow {
  id: number;
  name: string;
  key_prefix: string;
  status: 'active' | 'revoked';
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}
const ROW = 'id, name, key_prefix, status, created_at, expires_at, revoked_at, last_used_at';

export function createKeyStore({ pools }: { pools: Pools }) {
  return {
    /**
     * The replica answers most look-ups; a miss there may be a key created a moment ago
     * that the replica has not replayed yet, so it is asked of the primary before refusing.
     */
    async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
      const fromReplica = await pools.reader.query<ApiKeyRecord>(FIND_BY_HASH, [keyHash]);
      if (fromReplica.rows[0]) return fromReplica.rows[0];
      const fromPrimary = await pools.primary.query<ApiKeyRecord>(FIND_BY_HASH, [keyHash]);
      return fromPrimary.rows[0];
    },

    /** Every key of a user with its hash, from the primary (after a change of the account). */
    async listForUser(userId: number): Promise<Array<ApiKeyRecord & { keyHash: string }>> {
      const { rows } = await pools.primary.query<ApiKeyRecord & { keyHash: string }>(
        `SELECT ${RECORD}, k.key_hash AS "keyHash" FROM ${KEYS_WITH_OWNERS} WHERE k.user_id = $1`,
        [userId],
      );
      return rows;
    },

    /** A user's keys, newest first, on the primary: a key created or revoked a moment ago shows as it is. */
    async listRows(userId: number): Promise<KeyRow[]> {
      return (await pools.primary.query<KeyRow>(`SELECT ${ROW} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, [userId])).rows;
    },

    async getRow(userId: number, keyId: number): Promise<KeyRow | undefined> {
      return (await pools.primary.query<KeyRow>(`SELECT ${ROW} FROM api_keys WHERE user_id = $1 AND id = $2`, [userId, keyId])).rows[0];
    },

    async rename(userId: number, keyId: number, name: string): Promise<KeyRow | undefined> {
      return (await pools.primary.query<KeyRow>(`UPDATE api_keys SET name = $3 WHERE user_id = $1 AND id = $2 RETURNING ${ROW}`, [userId, keyId, name]))
        .rows[0];
    },

    /**
     * A new key, or undefined when its owner already holds `cap` active keys. The owner's
     * row is locked first, so that concurrent creations for one person queue; then the
     * count and the insert are one statement, which sees every key committed before it
     * (under READ COMMITTED a count in the same statement as the lock would be taken from
     * a snapshot older than the lock, and a burst would pass the cap).
     */
    async insert(
      key: { userId: number; name: string; keyHash: string; keyPrefix: string; expiresAt: Date | null },
      cap: number,
      tx?: Queryable,
    ): Promise<KeyRow | undefined> {
      const run = async (db: Queryable) => {
        await db.query('SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE', [key.userId]);
        const { rows } = await db.query<KeyRow>(
          `INSERT INTO api_keys (user_id, name, key_hash, key_prefix, expires_at)
           SELECT $1, $2, $3, $4, $5
            WHERE (SELECT count(*) FROM api_keys WHERE user_id = $1 AND status = 'active') < $6
           RETURNING ${ROW}`,
          [key.userId, key.name, key.keyHash, key.keyPrefix, key.expiresAt, cap],
        );
        return rows[0];
      };
      return tx ? run(tx) : withTransaction(pools.primary, run);
    },

    /** Revokes (again, harmlessly, if it already was), so a retried revocation re-notifies. */
    async revoke(keyId: number, db: Queryable = pools.primary): Promise<(ApiKeyRecord & { keyHash: string }) | undefined> {
      const { rows } = await db.query<ApiKeyRecord & { keyHash: string }>(
        `UPDATE api_keys k SET status = 'revoked', revoked_at = coalesce(k.revoked_at, now())
           FROM users u
          WHERE k.id = $1 AND u.id = k.user_id
          RETURNING ${RECORD}, k.key_hash AS "keyHash"`,
        [keyId],
      );
      return rows[0];
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;
