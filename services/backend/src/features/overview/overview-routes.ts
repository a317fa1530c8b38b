import type { Router } from 'express';
import type { AdminOverview, UsageSummaryView } from '../../contract/admin-api.js';
import type { Pools } from '../../infra/db.js';
import type { Redis } from '../../infra/redis.js';
import { createRouter, route } from '../../infra/routes.js';
import { withTimeout } from '../../infra/timeout.js';
import { requires } from '../../infra/staff-access.js';
import { addDays, businessDay } from '../../domain/business-day.js';
import type { BusinessStore } from './business-store.js';
import { readInstances } from './cluster-heartbeat.js';

const DAYS = 30;
const TOP = 5;
const CHECK_TIMEOUT_MS = 1500;

/** How long a check took, or null when it failed (why goes nowhere public). */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T } | null> {
  const started = performance.now();
  try {
    const value = await withTimeout(fn(), CHECK_TIMEOUT_MS);
    return { ms: Math.round(performance.now() - started), value };
  } catch {
    return null;
  }
}

interface Deps {
  pools: Pools;
  redis: Redis;
  /** The usage feature's summary of the business days `from`..`to`, with the `top` users and models. */
  usageSummary: (from: string, to: string, timeZone: string, top: number) => Promise<UsageSummaryView>;
  business: BusinessStore;
  timeZone: string;
}

/**
 * GET /api/admin/overview: today and the last 30 days (requests, tokens, errors, revenue,
 * new customers), the top users and models, and the cluster as the backends report it
 * (their heartbeats in Redis) with Postgres and Redis checked from here.
 */
export function createOverviewRoutes({ pools, redis, usageSummary, business, timeZone }: Deps): Router {
  const router = createRouter();
  route(
    router,
    'get',
    '/overview',
    { access: requires('usage.read'), summary: 'Today, the last 30 days, the top users and models, the cluster' },
    async (_in, res) => {
      const to = businessDay(timeZone);
      const from = addDays(to, -(DAYS - 1));
      const [summary, money, instances, primary, replica, redisInfo] = await Promise.all([
        usageSummary(from, to, timeZone, TOP),
        business.days(from, to, timeZone),
        readInstances(redis).catch(() => []),
        timed(() => pools.primary.query('SELECT 1')),
        timed(() =>
          pools.replica.query<{ lag: number | null }>(
            `SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                       ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END AS lag`,
          ),
        ),
        timed(() => redis.info('memory')),
      ]);
      const byDate = new Map(money.map((d) => [d.date, d]));
      const daily = summary.daily.map((d) => ({ ...d, new_customers: byDate.get(d.date)?.new_customers ?? 0, revenue: byDate.get(d.date)?.revenue ?? {} }));
      const usedMemory = redisInfo ? Number(/used_memory:(\d+)/.exec(redisInfo.value)?.[1] ?? Number.NaN) : Number.NaN;
      res.set('cache-control', 'no-store');
      res.json({
        date: to,
        time_zone: timeZone,
        today: daily.find((d) => d.date === to) ?? {
          date: to,
          request_count: 0,
          prompt_tokens: 0,
          completion_tokens: 0,
          error_count: 0,
          refusal_count: 0,
          user_count: 0,
          new_customers: 0,
          revenue: {},
        },
        daily,
        top_users: summary.top_users.by_requests,
        top_models: summary.top_models.by_requests,
        cluster: {
          instances,
          postgres: {
            primary: { ok: primary !== null, ms: primary?.ms ?? null },
            replica: { ok: replica !== null, ms: replica?.ms ?? null, lag_seconds: replica ? Number(replica.value.rows[0]?.lag ?? 0) : null },
          },
          redis: { ok: redisInfo !== null, ms: redisInfo?.ms ?? null, used_memory_bytes: Number.isFinite(usedMemory) ? usedMemory : null },
        },
      } satisfies AdminOverview);
    },
  );
  return router;
}
