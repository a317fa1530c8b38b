import type { Logger } from '../../infra/logger.js';
import { redisUnavailableReason, type Redis } from '../../infra/redis.js';
import type { Entitlement } from '../packages/user-package-store.js';
import type { DailyUsageReader } from './daily-usage-reader.js';
import type { PostgresQuota } from './postgres-quota.js';
import { RATE_WINDOW_MS, refusal } from './quota-errors.js';
import { CATCH_UP, RESERVE, SETTLE } from './quota-scripts.js';

const QUOTA_TTL_S = 2 * 24 * 3600;
/** The largest count a quota script accepts (15 digits); a request asking more is refused before Redis. */
const MAX_COUNT = 999_999_999_999_999;
/**
 * After Redis comes back, every worker admits through Postgres this much longer (from the
 * last worker to come back): longer than the Redis reconnect interval (1 s), so that each
 * has added what it counted in Postgres to Redis before anyone trusts Redis's counters.
 */
const RECOVERY_WINDOW_MS = 3000;
const RECOVERING_KEY = 'cg:quota:recovering';
/**
 * A request Redis admits within this many requests of the daily limit is also counted in
 * Postgres at once (one write): if Redis fails then, the Postgres fallback sees every
 * request admitted so far, in flight or not yet flushed from the usage stream, and
 * cannot let the user past the limit.
 */
const NEAR_LIMIT_REQUESTS = 20;

export interface Reservation {
  quotaKey: string;
  estimate: number;
  userId: number;
  day: string;
  /** Counted in Redis's counters, and settled there. */
  inRedis: boolean;
  /** Counted in daily_usage.request_count at admission (while Redis could not be trusted). */
  inPostgres: boolean;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** {1, req, tok} admitted; {0, reason, a, b} refused; {-1} counters not loaded; {-2} the cluster is recovering. */
type ReserveReply = [1, number, number] | [0, 'rate' | 'requests' | 'tokens', number, number] | [-1] | [-2];
type Counts = { req: number; tok: number; pt: number; ct: number };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    quotaReserve(quota: string, rate: string, recovering: string, ...args: Array<string | number>): Promise<ReserveReply>;
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

/**
 * Daily request/token limits and the per-key rate limit, enforced atomically in Redis.
 *
 * When Redis cannot take writes (down, out of memory…) the request is admitted by a
 * conditional upsert on daily_usage in Postgres instead, and what this worker counted
 * there is owed to Redis's counters. Near a user's daily request limit, Redis's
 * admissions are counted in Postgres at once too, so that the fallback is exact. When
 * Redis takes writes again, the first worker back opens a recovery window (a key every
 * reserve script sees): until it closes, every worker admits in Postgres and mirrors each
 * admission into Redis at once, while each worker pays what it owes. Then Redis's counters hold everything and take over again.
 */
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
  redis.defineCommand('quotaReserve', { numberOfKeys: 3, lua: RESERVE });
  redis.defineCommand('quotaSettle', { numberOfKeys: 1, lua: SETTLE });
  redis.defineCommand('quotaCatchUp', { numberOfKeys: 1, lua: CATCH_UP });

  // This worker fell back to Postgres since it last opened a recovery window; while it is,
  // a probe tries to recover every second (an out-of-memory spell ends without a reconnect).
  let degraded = false;
  let probe: NodeJS.Timeout | undefined;
  const owed = new Map<string, Counts>();
  const owe = (key: string, d: Counts) => {
    const o = owed.get(key) ?? { req: 0, tok: 0, pt: 0, ct: 0 };
    owed.set(key, { req: o.req + d.req, tok: o.tok + d.tok, pt: o.pt + d.pt, ct: o.ct + d.ct });
  };

  /** A Redis that cannot take the quota's writes, as opposed to a bug in a script. */
  function fallbackReason(err: unknown): string | undefined {
    const reason = redisUnavailableReason(err);
    if (reason) {
      degraded = true;
      probe ??= setInterval(() => void recover().catch(() => undefined), 1000).unref();
      onRedisFallback?.(reason);
      logger.warn({ reason, err: (err as Error).message }, 'redis cannot take the quota: counted in Postgres');
    }
    return reason;
  }

  /** Back from a fallback: open (or extend) the cluster's recovery window, then pay what is owed. */
  async function recover(): Promise<void> {
    await redis.set(RECOVERING_KEY, '1', 'PX', RECOVERY_WINDOW_MS);
    degraded = false;
    clearInterval(probe);
    probe = undefined;
    for (const [key, o] of owed) {
      owed.delete(key);
      await redis.quotaCatchUp(key, o.req, o.tok, o.pt, o.ct);
    }
  }
  redis.on('ready', () => {
    if (degraded || owed.size > 0) recover().catch((err) => fallbackReason(err) ?? logger.error({ err: (err as Error).message }, 'quota recovery failed'));
  });

  async function reserveInPostgres(req: { userId: number; day: string; entitlement: Entitlement; estimate: number }, key: string): Promise<Reservation> {
    if (!(await postgresQuota.reserve(req.userId, req.day, req.entitlement, req.estimate))) {
      onReject?.('requests');
      const used = await dailyUsage.read(req.userId, req.day);
      const reason = req.entitlement.dailyRequestLimit !== null && used.requestCount >= req.entitlement.dailyRequestLimit ? 'requests' : 'tokens';
      throw refusal([0, reason, used.requestCount, used.promptTokens + used.completionTokens], req.entitlement, timeZone);
    }
    return { quotaKey: key, estimate: req.estimate, userId: req.userId, day: req.day, inRedis: false, inPostgres: true };
  }

  /** True once counted; a primary that does not answer leaves it to the usage record (via the stream). */
  async function countInPostgres(userId: number, day: string): Promise<boolean> {
    try {
      await postgresQuota.count(userId, day);
      return true;
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'could not count a request near its limit in Postgres');
      return false;
    }
  }

  /** In the recovery window: admitted by Postgres, counted in Redis at once as well. */
  async function reserveMirrored(req: { userId: number; day: string; entitlement: Entitlement; estimate: number }, key: string): Promise<Reservation> {
    const reservation = await reserveInPostgres(req, key);
    try {
      await redis.quotaCatchUp(key, 1, req.estimate, 0, 0);
      return { ...reservation, inRedis: true };
    } catch (err) {
      if (!fallbackReason(err)) throw err;
      return reservation;
    }
  }

  return {
    /** Admits one request and reserves `estimate` tokens, or throws a 429 saying which limit and when it resets. */
    async reserve(req: { userId: number; keyId: number; day: string; entitlement: Entitlement; estimate: number }): Promise<Reservation> {
      checkCount(req.estimate, 'estimate');
      const key = quotaKey(req.userId, req.day);
      const rate = rateKey(req.keyId, Math.floor(Date.now() / RATE_WINDOW_MS));
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
        if (degraded) await recover();
        reply = await redis.quotaReserve(key, rate, RECOVERING_KEY, ...args([-1, -1, -1]));
        if (reply[0] === -1) {
          // First request of the day on this Redis: start from what Postgres has recorded.
          const u = await dailyUsage.read(req.userId, req.day);
          reply = await redis.quotaReserve(key, rate, RECOVERING_KEY, ...args([u.requestCount, u.promptTokens, u.completionTokens]));
        }
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        return reserveInPostgres(req, key);
      }
      if (reply[0] === 1) {
        const near = req.entitlement.dailyRequestLimit !== null && req.entitlement.dailyRequestLimit - reply[1] < NEAR_LIMIT_REQUESTS;
        const inPostgres = near && (await countInPostgres(req.userId, req.day));
        return { quotaKey: key, estimate: req.estimate, userId: req.userId, day: req.day, inRedis: true, inPostgres };
      }
      if (reply[0] === -2) return reserveMirrored(req, key);
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
      if (reservation.inPostgres && refund) await postgresQuota.refund(reservation.userId, reservation.day);
      if (!reservation.inRedis) {
        owe(reservation.quotaKey, { req: refund ? 0 : 1, tok: pt + ct, pt, ct });
        return;
      }
      try {
        await redis.quotaSettle(reservation.quotaKey, reservation.estimate, pt, ct, refund ? 1 : 0);
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        // Counted in Redis but not settled there: the settlement is owed to its counters.
        owe(reservation.quotaKey, { req: refund ? -1 : 0, tok: pt + ct - reservation.estimate, pt, ct });
      }
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

export type QuotaService = ReturnType<typeof createQuotaService>;
