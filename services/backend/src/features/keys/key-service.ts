import type { Queryable } from '../../infra/db.js';
import { BadRequestError } from '../../infra/errors.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import { deleteMatching, MASTER_SWITCH, type Redis } from '../../infra/redis.js';
import { TtlCache } from '../../infra/ttl-cache.js';
import { generateApiKey, hashApiKey, isWellFormedKey, keyPrefix } from './key-hash.js';
import type { ApiKeyRecord, KeyStore } from './key-store.js';

/** Active keys one person may hold (staff issuing for them included): revoke one to make another. */
export const MAX_ACTIVE_KEYS = 50;
const REDIS_TTL_S = 300;
/** An unknown key is remembered this long in Redis (a key created since clears it). */
const MISS_TTL_S = 60;
const NEGATIVE_TTL_MS = 2000;
const MISS = 'null';
const redisKey = (hash: string) => `cg:key:${hash}`;

/** Why a key was refused: unknown (never issued: a guess, or a typo), revoked, expired, or its account suspended. */
export type KeyRefusal = 'unknown' | 'revoked' | 'expired' | 'suspended';
/** A refused key that was issued carries its record: the refusal is its owner's to see. */
export type Authentication = { ok: true; record: ApiKeyRecord } | { ok: false; reason: KeyRefusal; record?: ApiKeyRecord };

interface Deps {
  keyStore: KeyStore;
  redis: Redis;
  bus: InvalidationBus;
  pepper: string;
  localTtlMs: number;
  logger: Logger;
}

/**
 * API keys: issue, revoke, authenticate. A look-up goes in-process cache → Redis → replica
 * → primary, and misses are remembered too, so guessing costs no database query twice.
 * A change (revocation, an account suspended or resumed) writes the primary, then
 * overwrites the Redis copy with the truth (a stale replica read cannot put an old one
 * back: fills use SET NX) and tells every worker over pub/sub.
 */
export function createKeyService({ keyStore, redis, bus, pepper, localTtlMs, logger }: Deps) {
  const local = new TtlCache<ApiKeyRecord | null>(localTtlMs);
  bus.on('key', (hash) => local.delete(hash));
  bus.onResync(() => local.clear());
  // A new master may hold a copy that a revocation overwrote on the old one just before it
  // failed (not replicated yet): the copies go, and the next look-ups read the database.
  redis.on(MASTER_SWITCH, () => {
    local.clear();
    deleteMatching(redis, redisKey('*')).catch((err) =>
      logger.warn({ err: (err as Error).message }, 'could not clear the Redis key cache after a master switch'),
    );
  });

  /** `cachedOnly`: answer from the caches alone (an address that failed too often gets no database query). */
  async function lookup(hash: string, cachedOnly: boolean): Promise<ApiKeyRecord | null> {
    const cached = local.get(hash);
    if (cached !== undefined) return cached;
    const generation = bus.generation();
    let record: ApiKeyRecord | null = null;
    const shared = await redis.get(redisKey(hash)).catch(() => null);
    if (shared) {
      record = shared === MISS ? null : revive(JSON.parse(shared));
    } else if (cachedOnly) {
      return null;
    } else {
      try {
        record = (await keyStore.findByHash(hash)) ?? null;
      } catch (err) {
        // Redis and the databases both away: a key this worker knew keeps working.
        const stale = local.stale(hash);
        if (stale === undefined) throw err;
        return stale;
      }
      const fill = record ? JSON.stringify(record) : MISS;
      await redis.set(redisKey(hash), fill, 'EX', record ? REDIS_TTL_S : MISS_TTL_S, 'NX').catch(() => undefined);
    }
    if (bus.generation() === generation) local.set(hash, record, record ? localTtlMs : NEGATIVE_TTL_MS);
    return record;
  }

  /** Every worker's copy of these keys is replaced by the record now on the primary. */
  async function overwrite(keys: Array<ApiKeyRecord & { keyHash: string }>): Promise<void> {
    for (const { keyHash, ...record } of keys) {
      await redis.set(redisKey(keyHash), JSON.stringify(record), 'EX', REDIS_TTL_S).catch((err) => {
        // Without the Redis copy, workers still drop theirs below and read the primary's truth.
        logger.warn({ err: (err as Error).message }, 'could not update a key in the Redis cache');
        return redis.del(redisKey(keyHash)).catch(() => undefined);
      });
      await bus.publish('key', keyHash);
    }
  }

  return {
    async authenticate(plainKey: string, options: { cachedOnly?: boolean } = {}): Promise<Authentication> {
      if (!isWellFormedKey(plainKey)) return { ok: false, reason: 'unknown' };
      const record = await lookup(hashApiKey(pepper, plainKey), options.cachedOnly ?? false);
      if (!record) return { ok: false, reason: 'unknown' };
      if (record.status !== 'active') return { ok: false, reason: 'revoked', record };
      if (record.expiresAt && record.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired', record };
      if (record.userStatus === 'suspended') return { ok: false, reason: 'suspended', record };
      return { ok: true, record };
    },

    /** A person's keys, newest first (a key created or revoked a moment ago shows as it is). */
    list: (userId: number) => keyStore.listRows(userId),

    /** A new key; inside `tx` when given (an audited change), else on its own. A 400 past MAX_ACTIVE_KEYS. */
    async issue(userId: number, name: string, expiresAt: Date | null, tx?: Queryable) {
      const { key, prefix } = generateApiKey();
      const hash = hashApiKey(pepper, key);
      const row = await keyStore.insert({ userId, name, keyHash: hash, keyPrefix: prefix, expiresAt }, MAX_ACTIVE_KEYS, tx);
      if (!row) throw new BadRequestError(`At most ${MAX_ACTIVE_KEYS} active keys; revoke one first.`, 'too_many_keys');
      // A remembered miss of this hash (extremely unlikely, but cheap to clear) must not refuse it.
      await redis.del(redisKey(hash)).catch(() => undefined);
      await bus.publish('key', hash).catch(() => undefined);
      return { ...row, key, key_prefix: keyPrefix(key) };
    },

    /** Renames one of the person's own keys; undefined when they hold no key of this id. */
    rename: (userId: number, keyId: number, name: string) => keyStore.rename(userId, keyId, name),

    /** Revokes one of the person's own keys everywhere; false when they hold no key of this id. */
    async revokeOwn(userId: number, keyId: number): Promise<boolean> {
      if (!(await keyStore.getRow(userId, keyId))) return false;
      const revoked = await keyStore.revoke(keyId);
      if (!revoked) return false;
      await overwrite([revoked]);
      return true;
    },

    /** Revokes inside the caller's transaction; call `announce` with the answer once it committed. */
    revokeWithin: (tx: Queryable, keyId: number) => keyStore.revoke(keyId, tx),

    /** Every worker's copy of these keys is replaced by what was just committed. */
    announce: (changed: Array<ApiKeyRecord & { keyHash: string }>) => overwrite(changed),

    /** After a user's account changed (suspended, resumed): every worker sees it within a second. */
    async refreshUser(userId: number): Promise<void> {
      await overwrite(await keyStore.listForUser(userId));
    },
  };
}

function revive(raw: ApiKeyRecord & { expiresAt: string | null }): ApiKeyRecord {
  return { ...raw, expiresAt: raw.expiresAt ? new Date(raw.expiresAt) : null };
}

export type KeyService = ReturnType<typeof createKeyService>;
