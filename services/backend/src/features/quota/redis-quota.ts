import { deleteMatching, type Redis } from '../../infra/redis.js';
import { LIMIT_UNITS, ROLLING_WINDOWS, type RollingWindow, type WindowLimits, windowLimits } from './limit-windows.js';
import { type QuotaRefusal, RATE_WINDOW_MS } from './quota-errors.js';
import { CATCH_UP, RESERVE, RETURN_LEASE, SETTLE } from './quota-scripts.js';
import type { AdmittedCounts, CounterChange, DayBooks, Reservation, ReserveRequest, Usage, WindowCounts } from './quota-types.js';

const QUOTA_TTL_S = 2 * 24 * 3600;
/** A stream holds its slot at most this long (a worker that died cannot hold it for ever). */
const STREAM_SLOT_MS = 3600_000;
/** Set while workers add what they counted in Postgres during a Redis outage (quota-service.ts). */
const RECOVERING_KEY = 'cg:quota:recovering';

/** {1, req, tok, start5h, startWeek, req5h, tok5h, reqWeek, tokWeek, rate, lease} admitted; a refusal; {-1} counters not loaded; {-2} the cluster is recovering. */
type ReserveReply = [1, number, number, number, number, number, number, number, number, number, number] | QuotaRefusal | [-1] | [-2];

/**
 * What the Redis engine made of a request: admitted (and counted; `lease` requests granted,
 * this one included, 1 without a lease), refused, or "ask Postgres" (a recovery window is open).
 */
export type RedisVerdict = { admitted: Reservation; lease: number } | { refused: QuotaRefusal } | { recovering: true };

declare module 'ioredis' {
  interface RedisCommander<Context> {
    quotaReserve(
      quota: string,
      rate: string,
      recovering: string,
      fiveHour: string,
      week: string,
      streams: string,
      leases: string,
      ...args: Array<string | number>
    ): Promise<ReserveReply>;
    quotaSettle(quota: string, fiveHour: string, week: string, streams: string, leases: string, ...args: Array<string | number>): Promise<number>;
    quotaReturnLease(quota: string, leases: string, ...args: Array<string | number>): Promise<number>;
    quotaCatchUp(quota: string, ...args: Array<string | number>): Promise<number>;
  }
}

const quotaKey = (userId: number | '*', day: string) => `cg:q:${userId}:${day}`;
/** A day's leases (quota-scripts.ts); under the day's key, so that dropping the day's counters drops them too. */
const leasesKey = (quota: string) => `${quota}:leases`;
const rateKey = (keyId: number, window: number) => `cg:rl:${keyId}:${window}`;
const streamsKey = (keyId: number) => `cg:streams:${keyId}`;
const limit = (value: number | null) => (value === null ? -1 : value);
/** A window's limits as a quota script takes them, in LIMIT_UNITS' order (-1 = none). */
const limitArgs = (l: WindowLimits) => LIMIT_UNITS.map((u) => limit(l[u]));
/** Redis keys of a user's 5-hour and weekly windows (read by the limit warnings, features/notices). */
export const windowKey: Record<RollingWindow, (userId: number) => string> = { five_hour: (u) => `cg:w5:${u}`, week: (u) => `cg:w7:${u}` };

/** A reservation of `req`, counted in Redis (`inRedis`) or not, in Postgres (`inPostgres`) or not. */
export const reservationOf = (req: ReserveRequest, inRedis: boolean, inPostgres: boolean, starts: [number, number] = [0, 0]): Reservation => ({
  quotaKey: quotaKey(req.userId, req.day),
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

/**
 * The quota's Redis engine: fetches and stores the counters through the scripts of
 * quota-scripts.ts (whose decision is limit-decision.ts's), and throws whatever Redis
 * throws; falling back is the orchestrator's (quota-service.ts).
 */
export function createRedisQuota({ redis, dailyUsage }: { redis: Redis; dailyUsage: Pick<DayBooks, 'read'> }) {
  redis.defineCommand('quotaReserve', { numberOfKeys: 7, lua: RESERVE });
  redis.defineCommand('quotaSettle', { numberOfKeys: 5, lua: SETTLE });
  redis.defineCommand('quotaReturnLease', { numberOfKeys: 2, lua: RETURN_LEASE });
  redis.defineCommand('quotaCatchUp', { numberOfKeys: 1, lua: CATCH_UP });

  return {
    /**
     * Admits `req` if every limit allows, and with it a lease of up to `lease` requests (1:
     * none) that the script may shrink or refuse; a lease is given back by `returnLease`, or
     * reclaimed by the day's next reservation after `reclaimAt` (epoch ms).
     */
    async reserve(req: ReserveRequest, lease = 1, reclaimAt = 0): Promise<RedisVerdict> {
      const e = req.entitlement;
      const limits = windowLimits(e);
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
        lease,
        reclaimAt,
        req.requestId,
      ];
      const keys = [
        quotaKey(req.userId, req.day),
        rate,
        RECOVERING_KEY,
        windowKey.five_hour(req.userId),
        windowKey.week(req.userId),
        streamsKey(req.keyId),
        leasesKey(quotaKey(req.userId, req.day)),
      ] as const;
      let reply = await redis.quotaReserve(...keys, ...args([-1, -1, -1, -1]));
      if (reply[0] === -1) {
        // First request of the day on this Redis: start from what Postgres has recorded.
        const u = await dailyUsage.read(req.userId, req.day);
        reply = await redis.quotaReserve(...keys, ...args([u.requestCount, u.promptTokens, u.completionTokens, u.costMicros]));
      }
      if (reply[0] === 1) {
        const [, dayReq, dayTok, start5h, startWeek, req5h, tok5h, reqWeek, tokWeek, minute, granted] = reply;
        const counts: AdmittedCounts = {
          day: { requests: dayReq, tokens: dayTok },
          five_hour: start5h ? { requests: req5h, tokens: tok5h, start: start5h } : undefined,
          week: startWeek ? { requests: reqWeek, tokens: tokWeek, start: startWeek } : undefined,
          minute: minute >= 0 ? { requests: minute, start: Math.floor(Date.now() / RATE_WINDOW_MS) * RATE_WINDOW_MS } : undefined,
        };
        return { admitted: { ...reservationOf(req, true, false, [start5h, startWeek]), counts }, lease: granted };
      }
      if (reply[0] === 0) return { refused: reply };
      if (reply[0] === -2) return { recovering: true };
      throw new Error('unexpected quota reply');
    },

    /** Replaces the reservation by the real usage; `refund` gives the request back; `leaseId`: the lease it was drawn from. */
    async settle(r: Reservation, usage: Usage, refund: boolean, leaseId = ''): Promise<void> {
      const { promptTokens: pt, completionTokens: ct, costMicros: cr } = usage;
      await redis.quotaSettle(
        r.quotaKey,
        r.windows[0],
        r.windows[1],
        r.streamsKey,
        leasesKey(r.quotaKey),
        r.estimate,
        r.estimateCredits,
        pt,
        ct,
        cr,
        refund ? 1 : 0,
        ...r.windowStarts,
        r.requestId,
        leaseId,
      );
    },

    /** Gives a lease back with what it still holds undrawn; false if it was reclaimed already. */
    async returnLease(quota: string, id: string, left: { req: number; tok: number; cr: number }): Promise<boolean> {
      return (await redis.quotaReturnLease(quota, leasesKey(quota), left.req, left.tok, left.cr, id)) === 1;
    },

    /** Adds to a day's counters what was counted elsewhere; false for a day Redis does not hold (left alone: it starts from Postgres). */
    async catchUp(key: string, c: CounterChange): Promise<boolean> {
      return (await redis.quotaCatchUp(key, c.req, c.tok, c.pt, c.ct, c.cr)) === 1;
    },

    /**
     * Forgets every day's counters, so that each starts again from what Postgres recorded
     * (the first request of a user's day loads it). Only while a recovery window is open:
     * no request is admitted by counters that are about to go.
     */
    async dropDayCounters(): Promise<number> {
      return deleteMatching(redis, quotaKey('*', '*'));
    },

    /** Opens (or extends) the cluster's recovery window: until it closes, every worker admits through Postgres. */
    async openRecoveryWindow(ms: number): Promise<void> {
      await redis.set(RECOVERING_KEY, '1', 'PX', ms);
    },

    /** Today's counters as Redis holds them (in-flight reservations included in tokens; what leases hold undrawn or in flight left out). */
    async today(
      userId: number,
      day: string,
    ): Promise<{ requests: number; promptTokens: number; completionTokens: number; reservedTokens: number; costMicros: number } | undefined> {
      const h = await redis.hgetall(quotaKey(userId, day));
      if (!h.req) return undefined;
      const [pt, ct] = [Number(h.pt ?? 0), Number(h.ct ?? 0)];
      const held = (field: string) => Number(h[field] ?? 0) - Number(h[`l${field}`] ?? 0);
      return {
        requests: held('req'),
        promptTokens: pt,
        completionTokens: ct,
        reservedTokens: Math.max(0, held('tok') - pt - ct),
        costMicros: held('cr'),
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

export type RedisQuota = ReturnType<typeof createRedisQuota>;
