import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';

const WINDOW_S = 15 * 60;

export class TooManySignInsError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(429, 'Too many failed sign-ins; wait a while and try again.', 'rate_limit_error', 'too_many_sign_in_attempts', {
      'retry-after': String(Math.max(1, retryAfterSeconds)),
    });
  }
}

/**
 * Failed sign-ins counted per account and per client address, in Redis so that the
 * cluster shares the counts: past either limit, sign-ins are refused for 15 minutes
 * (a correct password included, so that guessing learns nothing). A Redis that does not
 * answer blocks no one.
 */
export function createSignInLimiter({ redis, perAccount, perAddress, logger }: { redis: Redis; perAccount: number; perAddress: number; logger: Logger }) {
  const byAccount = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'cg:signin:account',
    points: perAccount,
    duration: WINDOW_S,
    blockDuration: WINDOW_S,
  });
  const byAddress = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'cg:signin:address',
    points: perAddress,
    duration: WINDOW_S,
    blockDuration: WINDOW_S,
  });
  const accountKey = (email: string) => email.toLowerCase();

  /** Seconds until the key may try again, or 0. */
  async function waitOf(limiter: RateLimiterRedis, points: number, key: string): Promise<number> {
    const res = await limiter.get(key).catch((err) => {
      logger.warn({ err: (err as Error).message }, 'sign-in limiter unavailable');
      return null;
    });
    return res && res.consumedPoints >= points ? Math.ceil(res.msBeforeNext / 1000) : 0;
  }

  return {
    /** Throws 429 when the account or the address is past its limit. */
    async check(email: string, address: string): Promise<void> {
      const wait = Math.max(await waitOf(byAccount, perAccount, accountKey(email)), await waitOf(byAddress, perAddress, address));
      if (wait > 0) throw new TooManySignInsError(wait);
    },

    async fail(email: string, address: string): Promise<void> {
      for (const [limiter, key] of [
        [byAccount, accountKey(email)],
        [byAddress, address],
      ] as const) {
        await limiter.consume(key).catch((res) => {
          if (!(res instanceof RateLimiterRes)) logger.warn({ err: (res as Error).message }, 'sign-in limiter unavailable');
        });
      }
    },

    /** A successful sign-in clears the account's count (not the address's). */
    async succeed(email: string): Promise<void> {
      await byAccount.delete(accountKey(email)).catch(() => undefined);
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;
