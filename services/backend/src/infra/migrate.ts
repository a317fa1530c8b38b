import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Applies pending migrations on the primary (the replica follows by replication).
 * node-pg-migrate holds an advisory lock for the run, so replicas that start together
 * apply each migration once.
 */
export async function runMigrations(databaseUrl: string, logger: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    // Only timestamped files are migrations; add_performance_indexes.sql is their companion.
    ignorePattern: '[^0-9].*',
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    checkOrder: true,
    // The other replicas wait for the one migrating, then find nothing left to do.
    advisoryLockMode: 'wait',
    verbose: false,
    logger: {
      debug: (msg: string) => logger.debug(msg),
      info: (msg: string) => logger.debug(msg),
      warn: (msg: string) => logger.warn(msg),
      error: (msg: string) => logger.error(msg),
    },
  });
  return applied.map((m) => m.name);
}

/**
 * Keeps monthly usage_logs partitions ready ahead of time and, with a retention, drops
 * the months that ended more than retentionDays ago.
 */
export async function maintainUsagePartitions(
  query: (sql: string, params?: unknown[]) => Promise<unknown>,
  retentionDays: number,
  monthsAhead = 2,
): Promise<void> {
  await query('SELECT ensure_usage_logs_partitions($1)', [monthsAhead]);
  if (retentionDays > 0) await query(`SELECT drop_usage_logs_partitions_before(now() - make_interval(days => $1))`, [retentionDays]);
}
