import type { Pools } from '../../infra/db.js';

export interface ApiKeyRecord {
  id: number;
  userId: number;
  status: 'active' | 'revoked';
  expiresAt: Date | null;
}

const FIND_BY_HASH = `
  SELECT id, user_id AS "userId", status, expires_at AS "expiresAt"
    FROM api_keys
   WHERE key_hash = $1`;

export function createKeyStore({ pools }: { pools: Pools }) {
  return {
    /**
     * The replica answers most look-ups; a miss there may be a key created a moment ago
     * that the replica has not replayed yet, so it is asked of the primary before refusing.
     */
    async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
      const fromReplica = await pools.replica.query<ApiKeyRecord>(FIND_BY_HASH, [keyHash]);
      if (fromReplica.rows[0]) return fromReplica.rows[0];
      const fromPrimary = await pools.primary.query<ApiKeyRecord>(FIND_BY_HASH, [keyHash]);
      return fromPrimary.rows[0];
    },
  };
}

export type KeyStore = ReturnType<typeof createKeyStore>;
