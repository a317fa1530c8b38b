import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import { redisUnavailableReason, type Redis } from '../../infra/redis.js';
import type { Entitlement } from '../../domain/entitlement.js';
import type { DailyUsageReader } from './daily-usage-reader.js';
import type { PostgresQuota } from './postgres-quota.js';
import { isLimited, ROLLING_WINDOWS, type RollingWindow, type WindowLimits, windowLimits } from './limit-windows.js';
import { type QuotaRefusal, RATE_WINDOW_MS, refusal } from './quota-errors.js';
import { CATCH_UP, RESERVE, SETTLE } from './quota-scripts.js';
import type { RedisLossHandover } from './redis-loss-handover.js';

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
/** A stream holds its slot at most this long (a worker that died cannot hold it for ever). */
const STREAM_SLOT_MS = 3600_000;

export interface Reservation {
  quotaKey: string;
  estimate: number;
  /** Micro-dollars reserved. */
  estimateCredits: number;
  userId: number;
  day: string;
  requestId: string;
  /** The 5-hour and weekly windows' keys and the starts they had when reserved (0: not tracked). */
  windows: [string, string];
  windowStarts: [number, number];
  streamsKey: string;
  /** Counted in Redis's counters, and settled there. */
  inRedis: boolean;
  /** Counted in daily_usage.request_count before its usage record (admitted there, or handed over when Redis was lost). */
  inPostgres: boolean;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Micro-dollars. */
  costMicros: number;
}

export interface ReserveRequest {
  userId: number;
  keyId: number;
  day: string;
  entitlement: Entitlement;
  /** Tokens and micro-dollars to reserve. */
  estimate: number;
  estimateCredits: number;
  /** A stream takes one of the key's open-stream slots. */
  stream: boolean;
  requestId: string;
}

/** A window's counters as Redis holds them. */
export interface WindowCounts {
  window: RollingWindow;
  /** Epoch ms; undefined: not begun (or over). */
  start: number | undefined;
  requests: number;
  tokens: number;
  credits: number;
}

/** {1, req, tok, start5h, startWeek} admitted; a refusal; {-1} counters not loaded; {-2} the cluster is recovering. */
type ReserveReply = [1, number, number, number, number] | QuotaRefusal | [-1] | [-2];
type Counts = { req: number; tok: number; pt: number; ct: number; cr: number };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    quotaReserve(
      quota: string,
      rate: string,
      recovering: string,
      fiveHour: string,
      week: string,
      streams: string,
      ...args: Array<string | number>
    ): Promise<ReserveReply>;
    quotaSettle(quota: string, fiveHour: string, week: string, streams: string, ...args: Array<string | number>): Promise<number>;
    quotaCatchUp(quota: string, ...args: Array<string | number>): Promise<number>;
  }
}

const quotaKey = (userId: number, day: string) => `cg:q:${userId}:${day}`;
const rateKey = (keyId: number, window: number) => `cg:rl:${keyId}:${window}`;
const streamsKey = (keyId: number) => `cg:streams:${keyId}`;
const limit = (value: number | null) => (value === null ? -1 : value);
/** A window's limits as a quota script takes them: requests, tokens, credits (-1 = none). */
const limitArgs = (l: WindowLimits) => [limit(l.requests), limit(l.tokens), limit(l.credits)];
/** Redis keys of a user's 5-hour and weekly windows (read by the limit warnings, features/notices). */
export const windowKey: Record<RollingWindow, (userId: number) => string> = { five_hour: (u) => `cg:w5:${u}`, week: (u) => `cg:w7:${u}` };
const checkCount = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_COUNT) throw new Error(`quota: ${what} ${n} is not a count`);
};

/**
 * Daily request/token limits and the per-key rate limit, enforced atomically in Redis.
 *
 * When Redis cannot take writes (down, out of memory…) the request is admitted by a
 * conditional upsert on daily_usage in Postgres instead, and what this worker counted
 * there is owed to Redis's counters. Before the first such admission, every worker hands
 * over to Postgres what Redis counted and daily_usage does not hold yet (its requests in
 * flight, its records still in the usage stream: redis-loss-handover.ts), so that the
 * fallback is exact. When
 * Redis takes writes again, the first worker back opens a recovery window (a key every
 * reserve script sees): until it closes, every worker admits in Postgres and mirrors each
 * admission into Redis at once, while each worker pays what it owes. Then Redis's counters hold everything and take over again.
 */
export function createQuotaService({
  redis,
  dailyUsage,
  postgresQuota,
  handover,
  bus,
  timeZone,
  buyUrl,
  logger,
  onReject,
  onLimitReached,
  onRedisFallback,
}: {
  redis: Redis;
  dailyUsage: DailyUsageReader;
  postgresQuota: PostgresQuota;
  handover: RedisLossHandover;
  bus: Pick<InvalidationBus, 'on' | 'publish'>;
  timeZone: string;
  /** The console's Buy page, named in refusals as the way forward. */
  buyUrl: string;
  logger: Logger;
  onReject?: (reason: string) => void;
  /** A request refused by a limit of the plan (Redis's verdict), with whose and which: the limit warnings' cue. */
  onLimitReached?: (userId: number, day: string, entitlement: Entitlement, refused: QuotaRefusal) => void;
  /** Redis could not take the quota (down, out of memory…): counted in Postgres instead. */
  onRedisFallback?: (reason: string) => void;
}) {
  redis.defineCommand('quotaReserve', { numberOfKeys: 6, lua: RESERVE });
  redis.defineCommand('quotaSettle', { numberOfKeys: 4, lua: SETTLE });
  redis.defineCommand('quotaCatchUp', { numberOfKeys: 1, lua: CATCH_UP });

  // This worker fell back to Postgres since it last opened a recovery window; while it is,
  // a probe tries to recover every second (an out-of-memory spell ends without a reconnect).
  let degraded = false;
  let probe: NodeJS.Timeout | undefined;
  const owed = new Map<string, Counts>();
  const owe = (key: string, d: Counts) => {
    const o = owed.get(key) ?? { req: 0, tok: 0, pt: 0, ct: 0, cr: 0 };
    owed.set(key, { req: o.req + d.req, tok: o.tok + d.tok, pt: o.pt + d.pt, ct: o.ct + d.ct, cr: o.cr + d.cr });
  };

  /** A Redis that cannot take the quota's writes, as opposed to a bug in a script. */
  function fallbackReason(err: unknown): string | undefined {
    const reason = redisUnavailableReason(err);
    if (reason) {
      const first = !degraded;
      degraded = true;
      void handover.begin();
      // Redis answers but refuses writes: no connection drops, so the others hear of it here.
      if (first && reason !== 'down') bus.publish('quota-handover', reason).catch(() => undefined);
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
    handover.reset();
    clearInterval(probe);
    probe = undefined;
    for (const [key, o] of owed) {
      owed.delete(key);
      await redis.quotaCatchUp(key, o.req, o.tok, o.pt, o.ct, o.cr);
    }
  }
  // Every worker hands over when Redis is lost, whether or not it was admitting requests then.
  redis.on('reconnecting', () => void handover.begin());
  bus.on('quota-handover', () => {
    if (degraded) return;
    void handover.begin().then(() => {
      if (!degraded) handover.reset();
    });
  });
  redis.on('ready', () => {
    if (!degraded) handover.reset();
    if (degraded || owed.size > 0) recover().catch((err) => fallbackReason(err) ?? logger.error({ err: (err as Error).message }, 'quota recovery failed'));
  });

  /**
   * The fallback's check of the 5-hour and weekly windows: what the user's recorded
   * requests used over the window's length up to now bounds what any window holds, so
   * nobody passes a limit (a user near one may be refused a little early).
   */
  async function checkWindowsInPostgres(req: ReserveRequest): Promise<void> {
    const e = req.entitlement;
    const limits = windowLimits(e);
    for (const { window, lengthMs } of ROLLING_WINDOWS) {
      const l = limits[window];
      if (!isLimited(l)) continue;
      const used = await postgresQuota.usedSince(req.userId, new Date(Date.now() - lengthMs));
      const resetMs = Date.now() + lengthMs;
      const refused: QuotaRefusal | undefined =
        l.requests !== null && used.requests >= l.requests
          ? [0, 'requests', window, used.requests, resetMs]
          : l.tokens !== null && used.tokens + req.estimate > l.tokens
            ? [0, 'tokens', window, used.tokens, resetMs]
            : l.credits !== null && used.credits + req.estimateCredits > l.credits
              ? [0, 'credits', window, used.credits, resetMs]
              : undefined;
      if (refused) {
        onReject?.(refused[1]);
        throw refusal(refused, e, { timeZone, buyUrl });
      }
    }
  }

  const reservation = (req: ReserveRequest, key: string, inRedis: boolean, inPostgres: boolean, starts: [number, number] = [0, 0]): Reservation => ({
    quotaKey: key,
    estimate: req.estimate,
    estimateCredits: req.estimateCredits,
    userId: req.userId,
    day: req.day,
    requestId: req.requestId,
    windows: [windowKey.five_hour(req.userId), windowKey.week(req.userId)],
    windowStarts: starts,
    streamsKey: streamsKey(req.keyId),
    inRedis,
    inPostgres,
  });

  async function reserveInPostgres(req: ReserveRequest, key: string): Promise<Reservation> {
    await handover.begin();
    await checkWindowsInPostgres(req);
    if (!(await postgresQuota.reserve(req.userId, req.day, req.entitlement, req.estimate, req.estimateCredits))) {
      const e = req.entitlement;
      const used = await dailyUsage.read(req.userId, req.day);
      const tokens = used.promptTokens + used.completionTokens;
      const refused: QuotaRefusal =
        e.dailyRequestLimit !== null && used.requestCount >= e.dailyRequestLimit
          ? [0, 'requests', 'day', used.requestCount, 0]
          : e.dailyTokenLimit !== null && tokens + req.estimate > e.dailyTokenLimit
            ? [0, 'tokens', 'day', tokens, 0]
            : [0, 'credits', 'day', used.costMicros, 0];
      onReject?.(refused[1]);
      throw refusal(refused, e, { timeZone, buyUrl });
    }
    return reservation(req, key, false, true);
  }

  /** In the recovery window: admitted by Postgres, counted in Redis at once as well. */
  async function reserveMirrored(req: ReserveRequest, key: string): Promise<Reservation> {
    const taken = await reserveInPostgres(req, key);
    try {
      await redis.quotaCatchUp(key, 1, req.estimate, 0, 0, req.estimateCredits);
      return { ...taken, inRedis: true };
    } catch (err) {
      if (!fallbackReason(err)) throw err;
      return taken;
    }
  }

  return {
    /**
     * Admits one request and reserves `estimate` tokens and `estimateCredits`
     * micro-dollars in every window the plan limits, or throws a 429 saying which limit
     * and when it resets.
     */
    async reserve(req: ReserveRequest): Promise<Reservation> {
      checkCount(req.estimate, 'estimate');
      checkCount(req.estimateCredits, 'credit estimate');
      const e = req.entitlement;
      const limits = windowLimits(e);
      const key = quotaKey(req.userId, req.day);
      const rate = rateKey(req.keyId, Math.floor(Date.now() / RATE_WINDOW_MS));
      // The argument order of RESERVE (quota-scripts.ts).
      const args = (seed: [number, number, number, number]) => [
        ...limitArgs(limits.day),
        req.estimate,
        req.estimateCredits,
        limit(e.rpmLimit),
        ...seed,
        QUOTA_TTL_S,
        RATE_WINDOW_MS + 1000,
        Date.now(),
        ...ROLLING_WINDOWS.flatMap(({ window, lengthMs }) => [...limitArgs(limits[window]), lengthMs]),
        req.stream ? limit(e.maxConcurrentStreams) : -1,
        STREAM_SLOT_MS,
        req.requestId,
      ];
      const keys = [key, rate, RECOVERING_KEY, windowKey.five_hour(req.userId), windowKey.week(req.userId), streamsKey(req.keyId)] as const;
      let reply: ReserveReply;
      try {
        if (degraded) await recover();
        reply = await redis.quotaReserve(...keys, ...args([-1, -1, -1, -1]));
        if (reply[0] === -1) {
          // First request of the day on this Redis: start from what Postgres has recorded.
          const u = await dailyUsage.read(req.userId, req.day);
          reply = await redis.quotaReserve(...keys, ...args([u.requestCount, u.promptTokens, u.completionTokens, u.costMicros]));
        }
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        return reserveInPostgres(req, key);
      }
      if (reply[0] === 1) {
        const taken = reservation(req, key, true, false, [reply[3], reply[4]]);
        handover.track(taken);
        return taken;
      }
      if (reply[0] === -2) return reserveMirrored(req, key);
      if (reply[0] === 0) {
        onReject?.(reply[1]);
        onLimitReached?.(req.userId, req.day, e, reply);
        throw refusal(reply, e, { timeZone, buyUrl });
      }
      throw new Error('unexpected quota reply');
    },

    /** Replaces the reservation by the real usage; `refund` gives the request back (it was not served). */
    async settle(reservation: Reservation, usage: Usage, refund: boolean): Promise<void> {
      const r = reservation;
      handover.untrack(r);
      const { promptTokens: pt, completionTokens: ct, costMicros: cr } = usage;
      checkCount(pt, 'prompt tokens');
      checkCount(ct, 'completion tokens');
      checkCount(cr, 'cost');
      if (r.inPostgres && refund) await postgresQuota.refund(r.userId, r.day);
      if (!r.inRedis) {
        owe(r.quotaKey, { req: refund ? 0 : 1, tok: pt + ct, pt, ct, cr });
        return;
      }
      try {
        await redis.quotaSettle(
          r.quotaKey,
          r.windows[0],
          r.windows[1],
          r.streamsKey,
          r.estimate,
          r.estimateCredits,
          pt,
          ct,
          cr,
          refund ? 1 : 0,
          ...r.windowStarts,
          r.requestId,
        );
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        // Counted in Redis but not settled there: the settlement is owed to its counters.
        owe(r.quotaKey, { req: refund ? -1 : 0, tok: pt + ct - r.estimate, pt, ct, cr: cr - r.estimateCredits });
      }
    },

    /** Today's counters as Redis holds them (in-flight reservations included in tokens). */
    async today(
      userId: number,
      day: string,
    ): Promise<{ requests: number; promptTokens: number; completionTokens: number; reservedTokens: number; costMicros: number } | undefined> {
      const h = await redis.hgetall(quotaKey(userId, day));
      if (!h.req) return undefined;
      const [pt, ct] = [Number(h.pt ?? 0), Number(h.ct ?? 0)];
      return {
        requests: Number(h.req),
        promptTokens: pt,
        completionTokens: ct,
        reservedTokens: Math.max(0, Number(h.tok ?? 0) - pt - ct),
        costMicros: Number(h.cr ?? 0),
      };
    },

    /** The 5-hour and weekly windows as Redis holds them (in-flight reservations included). */
    async windows(userId: number): Promise<WindowCounts[]> {
      const now = Date.now();
      const batch = redis.multi();
      for (const { window } of ROLLING_WINDOWS) batch.hgetall(windowKey[window](userId));
      const replies = await batch.exec();
      return ROLLING_WINDOWS.map(({ window, lengthMs }, i) => {
        const h = (replies?.[i]?.[1] ?? {}) as Record<string, string>;
        const start = h.s ? Number(h.s) : undefined;
        const live = start !== undefined && now < start + lengthMs;
        return live
          ? { window, start, requests: Number(h.req ?? 0), tokens: Number(h.tok ?? 0), credits: Number(h.cr ?? 0) }
          : { window, start: undefined, requests: 0, tokens: 0, credits: 0 };
      });
    },
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
