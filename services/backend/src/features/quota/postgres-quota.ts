import { type Pools, type Queryable, withTransaction } from '../../infra/db.js';
import { type Amounts, decide, type LimitRefusal, type WindowState } from './limit-decision.js';
import { isLimited, ROLLING_WINDOWS, windowLimits } from './limit-windows.js';
import type { DayBooks, ReserveRequest } from './quota-types.js';

/** Rolls the admission back: a refused request leaves no trace in daily_usage. */
class Refused extends Error {
  constructor(readonly refusal: LimitRefusal) {
    super(refusal.code);
  }
}

/**
 * The quota's Postgres engine, while Redis is away. The day's row is locked (exact under
 * concurrency across replicas), the numbers go to limit-decision.ts, and an admitted
 * request is counted in daily_usage at once, so its usage record says so (requestCounted)
 * and the flusher does not count it twice. The day's tokens and credits are what is
 * recorded (requests in flight are not reserved here); the 5-hour and weekly windows are
 * bounded by what usage_logs recorded over their length up to now (never past a limit,
 * possibly refused a little early), and have not begun if it recorded nothing. No per-minute rate limit or open-stream limit here.
 */
export function createPostgresQuota({ pools, dailyUsage }: { pools: Pick<Pools, 'primary'>; dailyUsage: Pick<DayBooks, 'lockDay' | 'countAdmitted'> }) {
  /**
   * What the user's recorded requests used since `since`: a window that began later holds
   * no more than this. Undefined when no request went upstream since: no window can have
   * begun (a refusal begins none).
   */
  async function usedSince(tx: Queryable, userId: number, since: Date): Promise<Amounts | undefined> {
    const { rows } = await tx.query<Amounts & { begun: boolean }>(
      `SELECT count(*) FILTER (WHERE refusal IS NULL) > 0 AS begun, count(*) FILTER (WHERE status_code < 400) AS requests,
              coalesce(sum(total_tokens), 0)::bigint AS tokens, coalesce(sum(cost_micros), 0)::bigint AS credits
         FROM usage_logs WHERE user_id = $1 AND created_at >= $2`,
      [userId, since],
    );
    const { begun, ...used } = rows[0]!;
    return begun ? used : undefined;
  }

  return {
    /** Undefined if admitted (and counted in daily_usage); else the first limit it would pass. */
    async reserve(req: ReserveRequest): Promise<LimitRefusal | undefined> {
      const limits = windowLimits(req.entitlement);
      try {
        await withTransaction(pools.primary, async (tx) => {
          const windows: WindowState[] = [{ window: 'day', limits: limits.day, used: await dailyUsage.lockDay(tx, req.userId, req.day), resetMs: 0 }];
          for (const { window, lengthMs } of ROLLING_WINDOWS) {
            if (!isLimited(limits[window])) continue;
            const now = Date.now();
            windows.push({ window, limits: limits[window], used: await usedSince(tx, req.userId, new Date(now - lengthMs)), resetMs: now + lengthMs });
          }
          const refused = decide(windows, { tokens: req.estimate, credits: req.estimateCredits });
          if (refused) throw new Refused(refused);
          await dailyUsage.countAdmitted(tx, req.userId, req.day);
        });
        return undefined;
      } catch (err) {
        if (err instanceof Refused) return err.refusal;
        throw err;
      }
    },
  };
}

export type PostgresQuota = ReturnType<typeof createPostgresQuota>;
