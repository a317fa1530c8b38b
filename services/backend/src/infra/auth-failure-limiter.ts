import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError, NO_RETRY } from './errors.js';
import type { Logger } from './logger.js';
import type { Redis } from './redis.js';
import { TtlCache } from './ttl-cache.js';

/** Too many failed authentications from one address: a retry does not help until the block ends. */
export class TooManyFailuresError extends HttpError {
  constructor() {
    super(429, 'Too many failed authentications from this address; try again later.', 'rate_limit_error', 'too_many_failed_authentications', NO_RETRY);
  }
}

/**
 * Failed authentications (API keys and the admin token) per client address, counted in
 * Redis so that the whole cluster shares one count. Past the limit the address is blocked
 * for a while: each worker then remembers the block itself, and answers from its caches
 * alone, so guessing costs no database query. A Redis that does not answer blocks no one.
 */
export function createAuthFailureLimiter({
  redis,
  perMinute,
  blockSeconds,
  logger,
}: {
  redis: Redis;
  perMinute: number;
  blockSeconds: number;
  logger: Logger;
}) {
  const limiter =
    perMinute > 0
      ? new RateLimiterRedis({ storeClient: redis, keyPrefix: 'cg:authfail', points: perMinute, duration: 60, blockDuration: blockSeconds })
      : undefined;
  const blocked = new TtlCache<true>(blockSeconds * 1000, 100_000);

  return {
    /** This worker knows the address is blocked (no round trip: checked on every key). */
    isBlocked: (address: string): boolean => blocked.get(address) === true,

    /** The address is blocked anywhere in the cluster (one Redis read: for rare, all-powerful credentials). */
    async isBlockedAnywhere(address: string): Promise<boolean> {
      if (blocked.get(address) === true) return true;
      if (!limiter) return false;
      const res = await limiter.get(address).catch(() => null);
      if (!res || res.consumedPoints <= perMinute) return false;
      blocked.set(address, true, res.msBeforeNext);
      return true;
    },

    /** Counts a failure; true when the address is (now) blocked. */
    async fail(address: string): Promise<boolean> {
      if (!limiter) return false;
      try {
        await limiter.consume(address);
        return false;
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) {
          logger.warn({ err: (res as Error).message }, 'failed-authentication limiter unavailable');
          return false;
        }
        blocked.set(address, true, res.msBeforeNext);
        return true;
      }
    },
  };
}

export type AuthFailureLimiter = ReturnType<typeof createAuthFailureLimiter>;
