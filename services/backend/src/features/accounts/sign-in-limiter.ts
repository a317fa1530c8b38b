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

/** One sign-in attempt, counted before its password or code was checked. */
export interface SignInAttempt {
  /** The check did not run (the server was busy) or asked for more (a second factor): the attempt does not count. */
  refund(): Promise<void>;
  /** A right answer: the account's count starts again, and the address is not charged for it. */
  succeed(): Promise<void>;
}

/**
 * Sign-in attempts counted per account and per client address, in Redis so that the
 * cluster shares the counts. An attempt is counted before anything is checked, in one
 * atomic step per key, so a burst of concurrent guesses gets no more checks than the limit;
 * past either limit, sign-ins are refused for 15 minutes (a correct password included, so
 * that guessing learns nothing). A Redis that does not answer blocks no one.
 */
export function createSignInLimiter({ redis, perAccount, perAddress, logger }: { redis: Redis; perAccount: number; perAddress: number; logger: Logger }) {
  const limiter = (keyPrefix: string, points: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: WINDOW_S, blockDuration: WINDOW_S });
  const byAccount = limiter('cg:signin:account', perAccount);
  const byAddress = limiter('cg:signin:address', perAddress);
  const unavailable = (err: unknown) => logger.warn({ err: (err as Error).message }, 'sign-in limiter unavailable');

  /** Counts one attempt: whether it was counted within the limit (to give back later), and the seconds to wait when past it. */
  async function take(on: RateLimiterRedis, key: string): Promise<{ counted: boolean; wait: number }> {
    try {
      await on.consume(key);
      return { counted: true, wait: 0 };
    } catch (res) {
      if (res instanceof RateLimiterRes) return { counted: false, wait: Math.ceil(res.msBeforeNext / 1000) };
      unavailable(res);
      return { counted: false, wait: 0 };
    }
  }
  const giveBack = (on: RateLimiterRedis, key: string) => on.reward(key, 1).then(() => undefined, unavailable);

  return {
    /** Counts an attempt on the account and the address; 429 when either is past its limit (and then neither is charged further). */
    async attempt(email: string, address: string): Promise<SignInAttempt> {
      const accountKey = email.toLowerCase();
      const [account, client] = await Promise.all([take(byAccount, accountKey), take(byAddress, address)]);
      const refund = async () => {
        await Promise.all([account.counted && giveBack(byAccount, accountKey), client.counted && giveBack(byAddress, address)]);
      };
      const wait = Math.max(account.wait, client.wait);
      if (wait > 0) {
        await refund();
        throw new TooManySignInsError(wait);
      }
      return {
        refund,
        async succeed() {
          await Promise.all([byAccount.delete(accountKey).catch(unavailable), client.counted && giveBack(byAddress, address)]);
        },
      };
    },
  };
}

export type SignInLimiter = ReturnType<typeof createSignInLimiter>;
