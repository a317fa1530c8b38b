import type { Pools } from '../../infra/db.js';

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

    async insert(key: { userId: number; name: string; keyHash: string; keyPrefix: string; expiresAt: Date | null }) {
      const { rows } = await pools.primary.query<{ id: number; name: string; expires_at: Date | null; created_at: Date }>(
        `INSERT INTO api_keys (user_id, name, key_hash, key_prefix, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, name, expires_at, created_at`,
        [key.userId, key.name, key.keyHash, key.keyPrefix, key.expiresAt],
      );
      return rows[0]!;
    },

    /** Revokes (again, harmlessly, if it already was), so a retried revocation re-notifies. */
    async revoke(keyId: number): Promise<(ApiKeyRecord & { keyHash: string }) | undefined> {
      const { rows } = await pools.primary.query<ApiKeyRecord & { keyHash: string }>(
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
