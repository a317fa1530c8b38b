import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { Config } from './config.js';
import { provisionRoles } from './db-roles.js';
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

/**
 * What the schema needs before backends use it, done as its owner (DATABASE_OWNER_URL, else
 * DATABASE_URL's role): the application and replication roles, pending migrations, this
 * month's and the next usage_logs partitions. Returns the migrations applied.
 */
export async function prepareDatabase(
  db: Pick<Config['db'], 'primaryUrl' | 'ownerUrl' | 'replicationPassword'>,
  retentionDays: number,
  logger: Logger,
): Promise<string[]> {
  const ownerUrl = db.ownerUrl ?? db.primaryUrl;
  try {
    if (db.ownerUrl) await provisionRoles(db.ownerUrl, { appUrl: db.primaryUrl, replicationPassword: db.replicationPassword });
    const applied = await runMigrations(ownerUrl, logger);
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    try {
      await maintainUsagePartitions((sql, params) => client.query(sql, params), retentionDays);
    } finally {
      await client.end();
    }
    return applied;
  } catch (err) {
    // 42501: insufficient_privilege, as the application role meets it.
    if ((err as { code?: string }).code === '42501' && !db.ownerUrl) {
      throw new Error(
        `${(err as Error).message}: migrations need the schema's owner (set DATABASE_OWNER_URL, or MIGRATE_ON_START=false and run the migrate command as the owner)`,
      );
    }
    throw err;
  }
}
