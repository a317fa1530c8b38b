import type { Queryable } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import { enqueueMail } from '../accounts/mail-queue.js';
import { businessDay, nextMidnight } from '../../domain/business-day.js';
import { ROLLING_WINDOWS, windowLimits } from '../quota/limit-windows.js';
import type { QuotaRefusal } from '../quota/quota-errors.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { windowKey } from '../quota/redis-quota.js';
import type { LimitWarningMail, Measure, WatchedWindow } from './notice-mails.js';
import { lowerWarning } from './notice-jobs.js';
import { createNoticeStore } from './notice-store.js';

const WEEK_MS = ROLLING_WINDOWS.find((w) => w.window === 'week')!.lengthMs;
/** Users looked at in one query. */
const CHUNK = 500;
/** Notices this process already queued, remembered until their window ends (at most this many). */
const MEMO_MAX = 100_000;

export type Reading = { measure: Measure; used: number; limit: number | null };

/**
 * The highest threshold the readings reached (100: used up, 80: four fifths), and the
 * measure that reached it furthest; undefined below 80 %. Integer arithmetic: exact.
 */
export function thresholdOf(readings: Reading[]): { threshold: 80 | 100; measure: Measure; used: number; limit: number } | undefined {
  let best: { threshold: 80 | 100; measure: Measure; used: number; limit: number } | undefined;
  for (const { measure, used, limit } of readings) {
    if (limit === null || limit <= 0) continue;
    const threshold = used >= limit ? 100 : used * 5 >= limit * 4 ? 80 : undefined;
    if (threshold && (!best || threshold > best.threshold)) best = { threshold, measure, used, limit };
  }
  return best;
}

/**
 * Queues limit warnings, each once per process per window and threshold (remembered until
 * the window ends); the worker that sends one claims it in Postgres, so several backends
 * or workers noticing the same crossing send one mail.
 */
export function createWarningQueue({ redis }: { redis: Redis }) {
  const queued = new Map<string, number>();

  function remember(key: string, until: number) {
    if (queued.size >= MEMO_MAX) {
      const now = Date.now();
      for (const [k, t] of queued) if (t < now) queued.delete(k);
      if (queued.size >= MEMO_MAX) queued.clear();
    }
    queued.set(key, until);
  }

  /** `refused`: the quota refused a request by this reading's limit, which is then reached whatever the counters say. */
  return async function queue(userId: number, window: WatchedWindow, windowId: string, resetsAt: number, readings: Reading[], refused = false): Promise<void> {
    const first = readings[0];
    const reached = refused && first?.limit ? { threshold: 100 as const, measure: first.measure, used: first.used, limit: first.limit } : thresholdOf(readings);
    if (!reached) return;
    const notice = `limit:${windowId}:${reached.threshold}`;
    const key = `${userId}:${notice}`;
    if ((queued.get(key) ?? 0) > Date.now()) return;
    const data: LimitWarningMail = { window, measure: reached.measure, threshold: reached.threshold, used: reached.used, limit: reached.limit, resetsAt };
    // Remembered before it is queued: a burst of refusals queues it once.
    remember(key, resetsAt);
    const lower = lowerWarning(notice);
    if (lower) remember(`${userId}:${lower}`, resetsAt);
    try {
      await enqueueMail(redis, { kind: 'limit-warning', userId, notice, data: { ...data } });
    } catch (err) {
      queued.delete(key);
      if (lower) queued.delete(`${userId}:${lower}`);
      throw err;
    }
  };
}

/**
 * The quota refused a request for a weekly limit or the daily credit limit: that limit is
 * reached (a token or credit limit refuses the request that would pass it, so the counters
 * alone may never show 100 %). Called on the request path: queues without being waited for.
 */
export function createRefusalWarnings({ redis, timeZone, logger }: { redis: Redis; timeZone: string; logger: Logger }) {
  const queue = createWarningQueue({ redis });
  return (userId: number, day: string, e: Entitlement, refused: QuotaRefusal): void => {
    const [, measure, window, , resetMs] = refused;
    if (measure !== 'requests' && measure !== 'tokens' && measure !== 'credits') return;
    const limit = window === 'week' ? windowLimits(e).week[measure] : window === 'day' && measure === 'credits' ? e.dailyCreditLimit : null;
    if (limit === null) return;
    const [windowId, resetsAt]: [string, number] =
      window === 'week' ? [`week:${resetMs - WEEK_MS}`, resetMs] : [`day:${day}`, nextMidnight(timeZone).getTime()];
    queue(userId, window === 'week' ? 'week' : 'day', windowId, resetsAt, [{ measure, used: refused[3], limit }], true).catch((err) =>
      logger.warn({ err: (err as Error).message }, 'could not queue a limit warning'),
    );
  };
}

/**
 * Warnings at 80 % and 100 % of a weekly limit (requests, tokens or credits) or of the
 * daily credit limit, worked out off the request path: the usage flusher of each backend
 * tells it which users' usage it just wrote, and it compares their counters with their
 * current period's limits — the weekly window as the quota's Redis counters hold it (the
 * same numbers that refuse requests), the day's credits as daily_usage records them.
 */
export function createLimitWatch({
  db,
  redis,
  timeZone,
  logger,
  dayCredits,
}: {
  db: Queryable;
  redis: Redis;
  timeZone: string;
  logger: Logger;
  /** The credits (micro-dollars) each user spent on a day, as daily_usage records them. */
  dayCredits: (userIds: number[], day: string) => Promise<Map<number, number>>;
}) {
  const store = createNoticeStore({ db });
  const queue = createWarningQueue({ redis });
  const pending = new Set<number>();
  let draining: Promise<void> | undefined;

  async function check(userIds: number[]): Promise<void> {
    const today = businessDay(timeZone);
    const terms = await store.watchedTerms(userIds, today);
    if (terms.length === 0) return;
    const credits = await dayCredits(
      terms.map((t) => t.user_id),
      today,
    );
    const batch = redis.multi();
    for (const t of terms) batch.hmget(windowKey.week(t.user_id), 's', 'req', 'tok', 'cr');
    const replies = (await batch.exec()) ?? [];
    const now = Date.now();
    for (const [i, t] of terms.entries()) {
      const [s, req, tok, cr] = ((replies[i]?.[1] ?? []) as Array<string | null>).map((v) => (v === null ? undefined : Number(v)));
      if (s !== undefined && now < s + WEEK_MS) {
        await queue(t.user_id, 'week', `week:${s}`, s + WEEK_MS, [
          { measure: 'requests', used: req ?? 0, limit: t.weekly_request_limit },
          { measure: 'tokens', used: tok ?? 0, limit: t.weekly_token_limit },
          { measure: 'credits', used: cr ?? 0, limit: t.weekly_credit_limit },
        ]);
      }
      await queue(t.user_id, 'day', `day:${today}`, nextMidnight(timeZone).getTime(), [
        { measure: 'credits', used: credits.get(t.user_id) ?? 0, limit: t.daily_credit_limit },
      ]);
    }
  }

  async function drain(): Promise<void> {
    while (pending.size > 0) {
      const users = [...pending].slice(0, CHUNK);
      for (const u of users) pending.delete(u);
      await check(users).catch((err) => logger.warn({ err: (err as Error).message }, 'could not check usage against limits for warnings'));
    }
  }

  function kick(): void {
    if (draining) return;
    draining = drain().finally(() => {
      draining = undefined;
      // Users added while the last check was finishing.
      if (pending.size > 0) kick();
    });
  }

  return {
    /** Users whose recorded usage just grew: looked at as soon as the check in hand is done. */
    touched(userIds: number[]): void {
      for (const u of userIds) pending.add(u);
      kick();
    },
    /** Waits for the check in hand (at shutdown). */
    async stop(): Promise<void> {
      pending.clear();
      await draining;
    },
  };
}

export type LimitWatch = ReturnType<typeof createLimitWatch>;
