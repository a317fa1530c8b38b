import type pg from 'pg';
import client from 'prom-client';
import type { Redis } from '../infra/redis.js';
import { withTimeout } from '../infra/timeout.js';

const TIMEOUT_MS = 2000;

/**
 * Instance-level health gauges, read at scrape time by the cluster primary: whether the
 * primary, the replica and Redis answer (gateway_dependency_up), and how far the replica's
 * replay is behind (db_replica_lag_seconds; 0 when it has replayed all it received).
 */
export function registerDependencyMetrics(registry: client.Registry, deps: { primary: pg.Pool; replica: pg.Pool; redis: Redis }): void {
  new client.Gauge({
    name: 'gateway_dependency_up',
    help: 'Whether a dependency answers: 1 up, 0 down (dependency: primary, replica, redis).',
    labelNames: ['dependency'] as const,
    registers: [registry],
    async collect() {
      const checks: Record<string, () => Promise<unknown>> = {
        primary: () => deps.primary.query('SELECT 1'),
        replica: () => deps.replica.query('SELECT 1'),
        redis: () => deps.redis.ping(),
      };
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          const ok = await withTimeout(check(), TIMEOUT_MS).then(
            () => 1,
            () => 0,
          );
          this.set({ dependency: name }, ok);
        }),
      );
    },
  });
  new client.Gauge({
    name: 'db_replica_lag_seconds',
    help: 'Seconds the replica replay is behind the primary (0 when caught up with what it received).',
    registers: [registry],
    async collect() {
      try {
        const { rows } = await withTimeout(
          deps.replica.query<{ lag: number | null }>(
            `SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                         WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                         ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8 AS lag`,
          ),
          TIMEOUT_MS,
        );
        this.set(rows[0]?.lag ?? 0);
      } catch {
        this.set(NaN);
      }
    },
  });
}
