import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Redis } from '../../infra/redis.js';
import { TtlCache } from '../../infra/ttl-cache.js';
import { generateApiKey, hashApiKey, keyPrefix } from './key-hash.js';
import type { ApiKeyRecord, KeyStore } from './key-store.js';

const REDIS_TTL_S = 300;
const NEGATIVE_TTL_MS = 2000;
const redisKey = (hash: string) => `cg:key:${hash}`;

interface Deps {
  keyStore: KeyStore;
  redis: Redis;
  bus: InvalidationBus;
  pepper: string;
  localTtlMs: number;
}

/**
 * API keys: issue, revoke, authenticate. A look-up goes in-process cache → Redis → replica
 * → primary. A revocation writes the primary, leaves a tombstone in Redis (a stale replica
 * read cannot put the key back: fills use SET NX) and tells every worker over pub/sub.
 */
export function createKeyService({ keyStore, redis, bus, pepper, localTtlMs }: Deps) {
  const local = new TtlCache<ApiKeyRecord | null>(localTtlMs);
  bus.on('key', (hash) => local.delete(hash));
  bus.onResync(() => local.clear());

  async function lookup(hash: string): Promise<ApiKeyRecord | null> {
    const cached = local.get(hash);
    if (cached !== undefined) return cached;
    const generation = bus.generation();
    let record: ApiKeyRecord | null = null;
    const shared = await redis.get(redisKey(hash)).catch(() => null);
    if (shared) {
      record = revive(JSON.parse(shared));
    } else {
      try {
        record = (await keyStore.findByHash(hash)) ?? null;
      } catch (err) {
        // Redis and the databases both away: a key this worker knew keeps working.
        const stale = local.stale(hash);
        if (stale === undefined) throw err;
        return stale;
      }
      if (record) await redis.set(redisKey(hash), JSON.stringify(record), 'EX', REDIS_TTL_S, 'NX').catch(() => undefined);
    }
    if (bus.generation() === generation) local.set(hash, record, record ? localTtlMs : NEGATIVE_TTL_MS);
    return record;
  }

  return {
    /** The key's owner, or undefined for an unknown, revoked or expired key. */
    async authenticate(plainKey: string): Promise<ApiKeyRecord | undefined> {
      const record = await lookup(hashApiKey(pepper, plainKey));
      if (!record || record.status !== 'active') return undefined;
      if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return undefined;
      return record;
    },

    async issue(userId: number, name: string, expiresAt: Date | null) {
      const { key, prefix } = generateApiKey();
      const hash = hashApiKey(pepper, key);
      const row = await keyStore.insert({ userId, name, keyHash: hash, keyPrefix: prefix, expiresAt });
      // A worker may hold a negative entry for this hash (extremely unlikely, but cheap to clear).
      await bus.publish('key', hash).catch(() => undefined);
      return { ...row, key, key_prefix: keyPrefix(key) };
    },

    async revoke(keyId: number): Promise<boolean> {
      const revoked = await keyStore.revoke(keyId);
      if (!revoked) return false;
      const { keyHash: _hash, ...record } = revoked;
      const tombstone: ApiKeyRecord = { ...record, status: 'revoked' };
      await redis.set(redisKey(revoked.keyHash), JSON.stringify(tombstone), 'EX', REDIS_TTL_S);
      await bus.publish('key', revoked.keyHash);
      return true;
    },
  };
}

function revive(raw: ApiKeyRecord & { expiresAt: string | null }): ApiKeyRecord {
  return { ...raw, expiresAt: raw.expiresAt ? new Date(raw.expiresAt) : null };
}

export type KeyService = ReturnType<typeof createKeyService>;
