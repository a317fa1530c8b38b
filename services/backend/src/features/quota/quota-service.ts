import { HttpError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { redisUnavailableReason, type Redis } from '../../infra/redis.js';
import type { Entitlement } from '../packages/user-package-store.js';
import { nextMidnight } from './business-day.js';
import type { DailyUsageReader } from './daily-usage-reader.js';
import type { PostgresQuota } from './postgres-quota.js';
import { CATCH_UP, RESERVE, SETTLE } from './quota-scripts.js';

const QUOTA_TTL_S = 2 * 24 * 3600;
const RATE_WINDOW_MS = 60_000;
/** The largest count a quota script accepts (15 digits); a request asking more is refused before Redis. */
const MAX_COUNT = 999_999_999_999_999;

/** Refusals that waiting a little cannot fix: SDKs must not retry them (x-should-retry). */
const NO_RETRY = { 'x-should-retry': 'false' };

/**
 * The per-minute rate limit: the only refusal that a short wait fixes, so the only one
 * with a Retry-After (seconds, at most the window).
 */
export class RateLimitedError extends HttpError {
  constructor(message: string, retryAfterMs: number) {
    const seconds = Math.min(RATE_WINDOW_MS / 1000, Math.max(1, Math.ceil(retryAfterMs / 1000)));
    super(429, message, 'rate_limit_error', 'rate_limit_exceeded', { 'retry-after': String(seconds) });
  }
}

/**
 * A daily limit reached. Its type is the one the Codex CLI knows for a usage limit (it
 * stops and tells when the limit resets, from `resets_at`); SDKs see 429 and do not retry.
 */
export class DailyLimitError extends HttpError {
  constructor(message: string, code: string, resetsAt: Date) {
    super(429, message, 'usage_limit_reached', code, NO_RETRY);
    this.details = { resets_at: Math.floor(resetsAt.getTime() / 1000) };
  }
}

/** No package in effect: answered as OpenAI answers a customer without credit, so clients stop at once. */
export class NoActivePackageError extends HttpError {
  constructor() {
    super(429, 'This key has no active package today: buy or redeem a package to use the API.', 'insufficient_quota', 'insufficient_quota', NO_RETRY);
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

const quotaKey = (userId: number, day: string) => `cg:q:${userId}:${day}`;
const rateKey = (keyId: number, window: number) => `cg:rl:${keyId}:${window}`;
const limit = (value: number | null) => (value === null ? -1 : value);
const checkCount = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_COUNT) throw new Error(`quota: ${what} ${n} is not a count`);
};

/** Daily request/token limits and the per-key rate limit, enforced atomically in Redis. */
export function createQuotaService({
  redis,
  dailyUsage,
  postgresQuota,
  timeZone,
  logger,
  onReject,
  onRedisFallback,
}: {
  redis: Redis;
  dailyUsage: DailyUsageReader;
  postgresQuota: PostgresQuota;
  timeZone: string;
  logger: Logger;
  onReject?: (reason: string) => void;
  /** Redis could not take the quota (down, out of memory…): counted in Postgres instead. */
  onRedisFallback?: (reason: string) => void;
}) {
  redis.defineCommand('quotaReserve', { numberOfKeys: 2, lua: RESERVE });
  redis.defineCommand('quotaSettle', { numberOfKeys: 1, lua: SETTLE });
  redis.defineCommand('quotaCatchUp', { numberOfKeys: 1, lua: CATCH_UP });

  // What this worker counted in Postgres while Redis could not, added to Redis once it can.
  const owed = new Map<string, { req: number; tok: number; pt: number; ct: number }>();
  const owe = (key: string, d: { req: number; tok: number; pt: number; ct: number }) => {
    const o = owed.get(key) ?? { req: 0, tok: 0, pt: 0, ct: 0 };
    owed.set(key, { req: o.req + d.req, tok: o.tok + d.tok, pt: o.pt + d.pt, ct: o.ct + d.ct });
  };
  const catchUp = () => {
    for (const [key, o] of owed) {
      owed.delete(key);
      redis.quotaCatchUp(key, o.req, o.tok, o.pt, o.ct).catch((err) => logger.error({ err: (err as Error).message }, 'quota catch-up failed'));
    }
  };
  redis.on('ready', catchUp);

  /** A Redis that cannot take the quota's writes, as opposed to a bug in a script. */
  function fallbackReason(err: unknown): string | undefined {
    const reason = redisUnavailableReason(err);
    if (reason) {
      onRedisFallback?.(reason);
      logger.warn({ reason, err: (err as Error).message }, 'redis cannot take the quota: counted in Postgres');
    }
    return reason;
  }

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
      checkCount(req.estimate, 'estimate');
      const key = quotaKey(req.userId, req.day);
      const window = Math.floor(Date.now() / RATE_WINDOW_MS);
      const args = (seed: [number, number, number]) => [
        limit(req.entitlement.dailyRequestLimit),
        limit(req.entitlement.dailyTokenLimit),
        req.estimate,
        limit(req.entitlement.rpmLimit),
        ...seed,
        QUOTA_TTL_S,
        RATE_WINDOW_MS + 1000,
      ];
      let reply: ReserveReply;
      try {
        reply = await redis.quotaReserve(key, rateKey(req.keyId, window), ...args([-1, -1, -1]));
        if (reply[0] === -1) {
          // First request of the day on this Redis: start from what Postgres has recorded.
          const u = await dailyUsage.read(req.userId, req.day);
          reply = await redis.quotaReserve(key, rateKey(req.keyId, window), ...args([u.requestCount, u.promptTokens, u.completionTokens]));
        }
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        return reserveInPostgres(req, key);
      }
      // Redis takes writes again (an out-of-memory spell ends without a reconnect).
      if (owed.size > 0) catchUp();
      if (reply[0] === 1) return { quotaKey: key, estimate: req.estimate, mode: 'redis', userId: req.userId, day: req.day };
      if (reply[0] === 0) {
        onReject?.(reply[1]);
        throw refusal(reply, req.entitlement, timeZone);
      }
      throw new Error('unexpected quota reply');
    },

    /** Replaces the reservation by the real usage; `refund` gives the request back (it was not served). */
    async settle(reservation: Reservation, usage: Usage, refund: boolean): Promise<void> {
      const { promptTokens: pt, completionTokens: ct } = usage;
      checkCount(pt, 'prompt tokens');
      checkCount(ct, 'completion tokens');
      if (reservation.mode === 'redis') {
        try {
          await redis.quotaSettle(reservation.quotaKey, reservation.estimate, pt, ct, refund ? 1 : 0);
        } catch (err) {
          if (!fallbackReason(err)) throw err;
          // Admitted in Redis but not settled there: the settlement is owed to its counters.
          owe(reservation.quotaKey, { req: refund ? -1 : 0, tok: pt + ct - reservation.estimate, pt, ct });
        }
        return;
      }
      if (refund) await postgresQuota.refund(reservation.userId, reservation.day);
      owe(reservation.quotaKey, { req: refund ? 0 : 1, tok: pt + ct, pt, ct });
    },

    /** Today's counters as Redis holds them (in-flight reservations included in tokens). */
    async today(
      userId: number,
      day: string,
    ): Promise<{ requests: number; promptTokens: number; completionTokens: number; reservedTokens: number } | undefined> {
      const h = await redis.hgetall(quotaKey(userId, day));
      if (!h.req) return undefined;
      const [pt, ct] = [Number(h.pt ?? 0), Number(h.ct ?? 0)];
      return { requests: Number(h.req), promptTokens: pt, completionTokens: ct, reservedTokens: Math.max(0, Number(h.tok ?? 0) - pt - ct) };
    },
  };
}

function refusal(reply: [0, 'rate' | 'requests' | 'tokens', number, number], e: Entitlement, timeZone: string): HttpError {
  const [, reason, a, b] = reply;
  if (reason === 'rate') return new RateLimitedError(`Rate limit of ${e.rpmLimit} requests per minute reached for this key.`, b);
  const resetAt = nextMidnight(timeZone);
  if (reason === 'requests') {
    return new DailyLimitError(
      `Daily request limit of ${e.dailyRequestLimit} reached (${a} used); it resets at ${resetAt.toISOString()}.`,
      'daily_request_limit_exceeded',
      resetAt,
    );
  }
  return new DailyLimitError(
    `Daily token limit of ${e.dailyTokenLimit} reached (${b} used or reserved); it resets at ${resetAt.toISOString()}. Lower max_tokens or wait.`,
    'daily_token_limit_exceeded',
    resetAt,
  );
}

export type QuotaService = ReturnType<typeof createQuotaService>;
