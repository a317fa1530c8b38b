import { HttpError } from '../../infra/errors.js';
import type { Redis } from '../../infra/redis.js';
import type { Entitlement } from '../packages/user-package-store.js';
import { nextMidnight } from './business-day.js';
import { RESERVE, SETTLE } from './quota-scripts.js';
import type { DailyUsageReader } from './daily-usage-reader.js';
import type { PostgresQuota } from './postgres-quota.js';
import type { Logger } from '../../infra/logger.js';
import { ReplyError } from 'ioredis';

const QUOTA_TTL_S = 2 * 24 * 3600;
const RATE_WINDOW_MS = 60_000;

export class QuotaExceededError extends HttpError {
  constructor(message: string, code: string, retryAfterSeconds: number, type = 'insufficient_quota') {
    super(429, message, type, code, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export interface Reservation {
  quotaKey: string;
  estimate: number;
  /** Where the request was counted: Redis normally, Postgres while Redis was away. */
  mode: 'redis' | 'postgres';
  userId: number;
  day: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

type ReserveReply = [1, number, number] | [0, 'rate' | 'requests' | 'tokens', number, number] | [-1];

declare module 'ioredis' {
  interface RedisCommander<Context> {
    quotaReserve(quota: string, rate: string, ...args: Array<string | number>): Promise<ReserveReply>;
    quotaSettle(quota: string, ...args: Array<string | number>): Promise<number>;
    quotaCatchUp(quota: string, ...args: Array<string | number>): Promise<number>;
  }
}

/** Adds what was counted in Postgres during an outage to a day's counters that Redis kept. */
const CATCH_UP = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'req', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'tok', ARGV[2] + ARGV[3])
redis.call('HINCRBY', KEYS[1], 'pt', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'ct', ARGV[3])
return 1
`;

/** A Redis that does not answer (as opposed to a script or command error). */
const redisUnavailable = (err: unknown) => !(err instanceof ReplyError);

const quotaKey = (userId: number, day: string) => `cg:q:${userId}:${day}`;
const rateKey = (keyId: number, window: number) => `cg:rl:${keyId}:${window}`;
const limit = (value: number | null) => (value === null ? -1 : value);

/** Daily request/token limits and the per-key rate limit, enforced atomically in Redis. */
export function createQuotaService({
  redis,
  dailyUsage,
  postgresQuota,
  timeZone,
  logger,
  onReject,
}: {
  redis: Redis;
  dailyUsage: DailyUsageReader;
  postgresQuota: PostgresQuota;
  timeZone: string;
  logger: Logger;
  onReject?: (reason: string) => void;
}) {
  redis.defineCommand('quotaReserve', { numberOfKeys: 2, lua: RESERVE });
  redis.defineCommand('quotaSettle', { numberOfKeys: 1, lua: SETTLE });
  redis.defineCommand('quotaCatchUp', { numberOfKeys: 1, lua: CATCH_UP });

  // What this worker counted in Postgres while Redis was away, added to Redis when it returns.
  const owed = new Map<string, { req: number; pt: number; ct: number }>();
  redis.on('ready', () => {
    for (const [key, o] of owed) {
      owed.delete(key);
      redis.quotaCatchUp(key, o.req, o.pt, o.ct).catch((err) => logger.error({ err: (err as Error).message }, 'quota catch-up failed'));
    }
  });

  async function reserveInPostgres(req: { userId: number; day: string; entitlement: Entitlement; estimate: number }, key: string): Promise<Reservation> {
    if (!(await postgresQuota.reserve(req.userId, req.day, req.entitlement))) {
      onReject?.('requests');
      const used = await dailyUsage.read(req.userId, req.day);
      const reason = req.entitlement.dailyRequestLimit !== null && used.requestCount >= req.entitlement.dailyRequestLimit ? 'requests' : 'tokens';
      throw refusal([0, reason, used.requestCount, used.promptTokens + used.completionTokens], req.entitlement, timeZone);
    }
    return { quotaKey: key, estimate: req.estimate, mode: 'postgres', userId: req.userId, day: req.day };
  }

  return {
    /** Admits one request and reserves `estimate` tokens, or throws a 429 saying which limit and when it resets. */
    async reserve(req: { userId: number; keyId: number; day: string; entitlement: Entitlement; estimate: number }): Promise<Reservation> {
      const key = quotaKey(req.userId, req.day);
      const window = Math.floor(Date.now() / RATE_WINDOW_MS);
      const args = (seed: [number, number, number]) =>
        [limit(req.entitlement.dailyRequestLimit), limit(req.entitlement.dailyTokenLimit), req.estimate, limit(req.entitlement.rpmLimit), ...seed, QUOTA_TTL_S, RATE_WINDOW_MS + 1000];
      let reply: ReserveReply;
      try {
        reply = await redis.quotaReserve(key, rateKey(req.keyId, window), ...args([-1, -1, -1]));
        if (reply[0] === -1) {
          // First request of the day on this Redis: start from what Postgres has recorded.
          const u = await dailyUsage.read(req.userId, req.day);
          reply = await redis.quotaReserve(key, rateKey(req.keyId, window), ...args([u.requestCount, u.promptTokens, u.completionTokens]));
        }
      } catch (err) {
        if (!redisUnavailable(err)) throw err;
        logger.warn({ err: (err as Error).message }, 'redis unavailable: quota checked in Postgres');
        return reserveInPostgres(req, key);
      }
      if (reply[0] === 1) return { quotaKey: key, estimate: req.estimate, mode: 'redis', userId: req.userId, day: req.day };
      if (reply[0] === 0) {
        onReject?.(reply[1]);
        throw refusal(reply, req.entitlement, timeZone);
      }
      throw new Error('unexpected quota reply');
    },

    /** Replaces the reservation by the real usage; `refund` gives the request back (it was not served). */
    async settle(reservation: Reservation, usage: Usage, refund: boolean): Promise<void> {
      if (reservation.mode === 'redis') {
        await redis.quotaSettle(reservation.quotaKey, reservation.estimate, usage.promptTokens, usage.completionTokens, refund ? 1 : 0);
        return;
      }
      if (refund) await postgresQuota.refund(reservation.userId, reservation.day);
      const o = owed.get(reservation.quotaKey) ?? { req: 0, pt: 0, ct: 0 };
      owed.set(reservation.quotaKey, { req: o.req + (refund ? 0 : 1), pt: o.pt + usage.promptTokens, ct: o.ct + usage.completionTokens });
    },

    /** Today's counters as Redis holds them (in-flight reservations included in tokens). */
    async today(userId: number, day: string): Promise<{ requests: number; promptTokens: number; completionTokens: number; reservedTokens: number } | undefined> {
      const h = await redis.hgetall(quotaKey(userId, day));
      if (!h.req) return undefined;
      const [pt, ct] = [Number(h.pt ?? 0), Number(h.ct ?? 0)];
      return { requests: Number(h.req), promptTokens: pt, completionTokens: ct, reservedTokens: Math.max(0, Number(h.tok ?? 0) - pt - ct) };
    },
  };
}

function refusal(reply: [0, 'rate' | 'requests' | 'tokens', number, number], e: Entitlement, timeZone: string): QuotaExceededError {
  const [, reason, a, b] = reply;
  if (reason === 'rate') {
    return new QuotaExceededError(`Rate limit of ${e.rpmLimit} requests per minute reached for this key.`, 'rate_limit_exceeded', b / 1000, 'rate_limit_error');
  }
  const resetAt = nextMidnight(timeZone);
  const wait = (resetAt.getTime() - Date.now()) / 1000;
  if (reason === 'requests') {
    return new QuotaExceededError(`Daily request limit of ${e.dailyRequestLimit} reached (${a} used); it resets at ${resetAt.toISOString()}.`, 'daily_request_limit_exceeded', wait);
  }
  return new QuotaExceededError(
    `Daily token limit of ${e.dailyTokenLimit} reached (${b} used or reserved); it resets at ${resetAt.toISOString()}. Lower max_tokens or wait.`,
    'daily_token_limit_exceeded',
    wait,
  );
}

export type QuotaService = ReturnType<typeof createQuotaService>;
