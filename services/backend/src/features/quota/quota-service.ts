import { isUnavailable } from '../../infra/db.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import { MASTER_SWITCH, redisUnavailableReason } from '../../infra/redis.js';
import type { Entitlement } from '../../domain/entitlement.js';
import type { LimitRefusal } from './limit-decision.js';
import type { PostgresQuota } from './postgres-quota.js';
import { type QuotaRefusal, refusal } from './quota-errors.js';
import type { CounterChange, DayBooks, Reservation, ReserveRequest, Usage } from './quota-types.js';
import { createQuotaLeases, LEASE_RECLAIM_MS } from './quota-leases.js';
import { MAX_COUNT } from './quota-scripts.js';
import { type RedisQuota, reservationOf } from './redis-quota.js';
import type { RedisLossHandover } from './redis-loss-handover.js';

/**
 * After Redis comes back, every worker admits through Postgres this much longer (from the
 * last worker to come back): longer than the Redis reconnect interval (1 s), so that each
 * has added what it counted in Postgres to Redis before anyone trusts Redis's counters.
 */
const RECOVERY_WINDOW_MS = 3000;

const checkCount = (n: number, what: string) => {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_COUNT) throw new Error(`quota: ${what} ${n} is not a count`);
};
const asReply = (r: LimitRefusal): QuotaRefusal => [0, r.unit, r.window, r.used, r.resetMs];

/**
 * The quota: Redis's engine (redis-quota.ts) while Redis takes writes, Postgres's
 * (postgres-quota.ts) while it does not; both decide by limit-decision.ts.
 *
 * When Redis cannot take writes (down, out of memory…) the request is admitted in Postgres,
 * and what this worker counted there is owed to Redis's counters. Before the first such
 * admission, every worker hands over to Postgres what Redis counted and daily_usage does
 * not hold yet (redis-loss-handover.ts), so that the fallback is exact. When Redis takes
 * writes again, the first worker back opens a recovery window (a key every reserve script
 * sees): until it closes, every worker admits in Postgres and mirrors each admission into
 * Redis at once, while each worker pays what it owes. Then Redis's counters hold
 * everything and take over again.
 *
 * A Sentinel failover is a Redis loss that comes back with other counters: the new master
 * misses what the old one had not replicated yet (replication is asynchronous). So on a
 * master switch every worker hands over as for any loss, and the recovery window, instead
 * of adding what is owed to counters that lack an unknown part, drops the day's counters:
 * each user's starts again from daily_usage, which by then holds every request admitted
 * (handed over, counted in Postgres) and every record written.
 *
 * A busy customer far from every limit is served from a lease (quota-leases.ts): a block
 * of requests reserved in Redis at once and spent here. Whenever Redis is lost, the leases
 * are dropped at once (nothing is admitted without Redis or Postgres counting it), and
 * Redis reclaims what they held.
 */
export function createQuotaService({
  redisQuota,
  postgresQuota,
  dailyUsage,
  redisEvents,
  handover,
  bus,
  timeZone,
  buyUrl,
  logger,
  onReject,
  onLimitReached,
  onRedisFallback,
}: {
  redisQuota: RedisQuota;
  postgresQuota: Pick<PostgresQuota, 'reserve'>;
  dailyUsage: Pick<DayBooks, 'settleCount'>;
  /**
   * The Redis connection's events: a reconnect means Redis was lost, `ready` that it is
   * back, MASTER_SWITCH (before its `ready`) that it came back as another master.
   */
  redisEvents: { on(event: 'reconnecting' | 'ready' | typeof MASTER_SWITCH, listener: () => void): unknown };
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
  // This worker fell back to Postgres since it last opened a recovery window; while it is,
  // a probe tries to recover every second (an out-of-memory spell ends without a reconnect).
  let degraded = false;
  // Redis came back as another master: its day counters are rebuilt from Postgres by the next recovery.
  let rebuild = false;
  let probe: NodeJS.Timeout | undefined;
  const owed = new Map<string, CounterChange>();
  // Admitted in Postgres while Redis was away and not settled yet: Redis counts them when it
  // is back, else one that settles after the debts are paid leaves its counter a request
  // short, and the customer gets one more than the limit (found by the soak).
  const pgInFlight = new Set<Reservation>();
  // Settlements of requests drawn from a lease that Redis could not take: replayed when it is
  // back (the script then knows whether the lease still stands).
  let owedLeaseSettles: Array<() => Promise<void>> = [];
  const leases = createQuotaLeases({ giveBack: (l) => redisQuota.returnLease(l.quotaKey, l.id, l.left) });
  /** Redis is lost (or may be, for another worker): no lease is spent any more, and this worker hands over. */
  const redisLost = () => {
    leases.dropAll();
    return handover.begin();
  };
  const owe = (key: string, d: CounterChange) => {
    const o = owed.get(key) ?? { req: 0, tok: 0, pt: 0, ct: 0, cr: 0 };
    owed.set(key, { req: o.req + d.req, tok: o.tok + d.tok, pt: o.pt + d.pt, ct: o.ct + d.ct, cr: o.cr + d.cr });
  };

  // A request counted in Postgres and not served is given back there. While Postgres is
  // failing over the give-back waits here and is retried every second: lost, it would leave
  // the day's count (which the counters are rebuilt from) one request too high.
  type GiveBack = Parameters<DayBooks['settleCount']>[0];
  const givingBack: GiveBack[] = [];
  let retryGiveBacks: NodeJS.Timeout | undefined;
  async function giveBack(g: GiveBack): Promise<void> {
    try {
      await dailyUsage.settleCount(g);
    } catch (err) {
      if (!isUnavailable(err)) throw err;
      givingBack.push(g);
      retryGiveBacks ??= setInterval(() => void retryPendingGiveBacks(), 1000).unref();
    }
  }
  async function retryPendingGiveBacks(): Promise<void> {
    while (givingBack.length) {
      try {
        await dailyUsage.settleCount(givingBack[0]!);
        givingBack.shift();
      } catch (err) {
        if (isUnavailable(err)) return;
        logger.error({ err: (err as Error).message }, 'could not give a request back to the day’s count');
        givingBack.shift();
      }
    }
    clearInterval(retryGiveBacks);
    retryGiveBacks = undefined;
  }

  /** A Redis that cannot take the quota's writes, as opposed to a bug in a script. */
  function fallbackReason(err: unknown): string | undefined {
    const reason = redisUnavailableReason(err);
    if (reason) {
      const first = !degraded;
      degraded = true;
      void redisLost();
      // Redis answers but refuses writes: no connection drops, so the others hear of it here.
      if (first && reason !== 'down') bus.publish('quota-handover', reason).catch(() => undefined);
      probe ??= setInterval(() => void recover().catch(() => undefined), 1000).unref();
      onRedisFallback?.(reason);
      logger.warn({ reason, err: (err as Error).message }, 'redis cannot take the quota: counted in Postgres');
    }
    return reason;
  }

  /** Back from a fallback: open (or extend) the cluster's recovery window, then pay what is owed (or rebuild). */
  async function recover(): Promise<void> {
    await redisQuota.openRecoveryWindow(RECOVERY_WINDOW_MS);
    if (rebuild) {
      // What this worker counted in Postgres is in daily_usage, where the rebuilt counters start from.
      owed.clear();
      pgInFlight.clear();
      owedLeaseSettles = [];
      await redisLost();
      const dropped = await redisQuota.dropDayCounters();
      rebuild = false;
      logger.warn({ dropped }, 'redis master switched: the quota counters start again from Postgres');
    }
    degraded = false;
    handover.reset();
    clearInterval(probe);
    probe = undefined;
    for (const [key, o] of owed) {
      owed.delete(key);
      await redisQuota.catchUp(key, o);
    }
    for (const r of [...pgInFlight]) {
      pgInFlight.delete(r);
      if (r.inRedis) continue;
      r.inRedis = await redisQuota.catchUp(r.quotaKey, { req: 1, tok: r.estimate, pt: 0, ct: 0, cr: r.estimateCredits });
    }
    while (owedLeaseSettles.length) {
      await owedLeaseSettles[0]!();
      owedLeaseSettles.shift();
    }
  }
  // Every worker hands over when Redis is lost, whether or not it was admitting requests then.
  redisEvents.on('reconnecting', () => void redisLost());
  redisEvents.on(MASTER_SWITCH, () => {
    rebuild = true;
    degraded = true;
    void redisLost();
    probe ??= setInterval(() => void recover().catch(() => undefined), 1000).unref();
  });
  bus.on('quota-handover', () => {
    if (degraded) return;
    void redisLost().then(() => {
      if (!degraded) handover.reset();
    });
  });
  redisEvents.on('ready', () => {
    if (!degraded) handover.reset();
    if (degraded || owed.size > 0) recover().catch((err) => fallbackReason(err) ?? logger.error({ err: (err as Error).message }, 'quota recovery failed'));
  });

  const refuse = (req: ReserveRequest, reply: QuotaRefusal) => {
    onReject?.(reply[1]);
    return refusal(reply, req.entitlement, { timeZone, buyUrl });
  };

  async function reserveInPostgres(req: ReserveRequest): Promise<Reservation> {
    await handover.begin();
    const refused = await postgresQuota.reserve(req);
    if (refused) throw refuse(req, asReply(refused));
    const r = reservationOf(req, false, true);
    pgInFlight.add(r);
    return r;
  }

  /** In the recovery window: admitted by Postgres, counted in Redis at once as well. */
  async function reserveMirrored(req: ReserveRequest): Promise<Reservation> {
    const taken = await reserveInPostgres(req);
    try {
      // A day Redis does not hold (rebuilt after a master switch) starts from Postgres, this request included.
      const counted = await redisQuota.catchUp(taken.quotaKey, { req: 1, tok: req.estimate, pt: 0, ct: 0, cr: req.estimateCredits });
      pgInFlight.delete(taken);
      return { ...taken, inRedis: counted };
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
      const r = reservationOf(req, true, false);
      if (!degraded && leases.draw(req, r)) {
        handover.track(r);
        return r;
      }
      let verdict: Awaited<ReturnType<RedisQuota['reserve']>>;
      try {
        if (degraded) await recover();
        verdict = await redisQuota.reserve(req, leases.want(req, r.quotaKey), Date.now() + LEASE_RECLAIM_MS);
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        return reserveInPostgres(req);
      }
      if ('admitted' in verdict) {
        if (verdict.lease > 1) leases.opened(req, verdict.admitted, verdict.lease);
        handover.track(verdict.admitted);
        return verdict.admitted;
      }
      if ('recovering' in verdict) {
        leases.dropAll();
        return reserveMirrored(req);
      }
      onLimitReached?.(req.userId, req.day, req.entitlement, verdict.refused);
      throw refuse(req, verdict.refused);
    },

    /** Replaces the reservation by the real usage; `refund` gives the request back (it was not served). */
    async settle(r: Reservation, usage: Usage, refund: boolean): Promise<void> {
      handover.untrack(r);
      pgInFlight.delete(r);
      const { promptTokens: pt, completionTokens: ct, costMicros: cr } = usage;
      checkCount(pt, 'prompt tokens');
      checkCount(ct, 'completion tokens');
      checkCount(cr, 'cost');
      await giveBack({ userId: r.userId, day: r.day, counted: r.inPostgres, served: !refund });
      if (!r.inRedis) {
        owe(r.quotaKey, { req: refund ? 0 : 1, tok: pt + ct, pt, ct, cr });
        return;
      }
      const leaseId = await leases.settling(r);
      try {
        await redisQuota.settle(r, usage, refund, leaseId);
      } catch (err) {
        if (!fallbackReason(err)) throw err;
        // Counted in Redis but not settled there: the settlement is owed to its counters.
        if (leaseId) owedLeaseSettles.push(() => redisQuota.settle(r, usage, refund, leaseId));
        else owe(r.quotaKey, { req: refund ? -1 : 0, tok: pt + ct - r.estimate, pt, ct, cr: cr - r.estimateCredits });
      }
    },

    /** Gives this worker's leases back (it stops). */
    stop: () => leases.returnAll(),

    today: redisQuota.today,
    windows: redisQuota.windows,
  };
}

export type QuotaService = ReturnType<typeof createQuotaService>;
