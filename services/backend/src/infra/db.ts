import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** A pool or a client inside a transaction: store methods accept either. */
export type Queryable = Pick<pg.Pool, 'query'>;

// BIGINT and NUMERIC arrive as strings by default; counts and cents fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// DATE stays a 'YYYY-MM-DD' string: no time zone shifts on calendar days.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface Pools {
  /** Every write, and reads that must see a write just made. */
  readonly primary: pg.Pool;
  /** The replica itself (health checks). */
  readonly replica: pg.Pool;
  /**
   * History reads: the replica while it answers and keeps up, else the primary. May lag
   * the primary by a moment.
   */
  readonly reader: Queryable;
  close(): Promise<void>;
}

/**
 * Errors that mean "this server is not answering", or not as the primary, as opposed to a
 * bad query: a connection cut or refused (a restart, a leader change behind HAProxy), or
 * 25006, a former leader that now refuses writes.
 */
export function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EHOSTUNREACH',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08001',
      '08003',
      '08004',
      '08006',
      READ_ONLY,
      '53300',
    ].includes(code) || /Connection terminated|timeout exceeded|connect ETIMEDOUT|Client has encountered a connection error|not queryable/i.test(message)
  );
}

/** read_only_sql_transaction: the statement was refused before it changed anything. */
const READ_ONLY = '25006';

/** The statement never reached a server, or was refused before it changed anything: sending it again cannot repeat it. */
const neverSent = (err: unknown) => ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', '57P03', '53300', READ_ONLY].includes((err as { code?: string }).code ?? '');

/** A failure that took its full timeout (a full pool, a server that does not answer): waiting as long again helps nobody. */
const timedOut = (err: unknown) => (err as { code?: string }).code === 'ETIMEDOUT' || /timeout/i.test((err as Error).message ?? '');

/** A statement that only reads (changes nothing when it is sent twice). */
const isRead = (text: string) => /^\s*(SELECT|SHOW|WITH)\b/i.test(text) && !/\b(INSERT|UPDATE|DELETE|MERGE)\b/i.test(text);

const RETRY_PAUSE_MS = 100;

type QueryFn = (...args: unknown[]) => Promise<unknown>;
/** Each guarded pool's query as it was before retryOnce wrapped it. */
const sendOnce = new WeakMap<pg.Pool, QueryFn>();

/**
 * What a pool's query does when its connection fails under it (a leader change, a
 * restart): a statement that only reads, or that never reached a server, is sent once
 * more, on another connection (pg-pool has dropped the broken one), unless it already
 * waited out a timeout; any other fails, for
 * the caller to refuse cleanly (errors.ts: 503 with Retry-After), because it may have been
 * applied. `idempotent` marks every statement as safe to send again (writes keyed by a
 * unique id, such as usage records).
 */
function retryOnce(pool: pg.Pool, options: { idempotent?: boolean } = {}): pg.Pool['query'] {
  const query = sendOnce.get(pool) ?? (pool.query.bind(pool) as QueryFn);
  return (async (...args: unknown[]) => {
    try {
      return await query(...args);
    } catch (err) {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? '');
      if (!isUnavailable(err) || timedOut(err) || !(options.idempotent || neverSent(err) || isRead(text))) throw err;
      if ((err as { code?: string }).code !== READ_ONLY) await sleep(RETRY_PAUSE_MS);
      return query(...args);
    }
  }) as pg.Pool['query'];
}

/** The same pool, each of whose statements may be sent twice (see retryOnce): for idempotent writes. */
export function idempotent(pool: pg.Pool): Queryable {
  return { query: retryOnce(pool, { idempotent: true }) };
}

const REPLICA_RETRY_MS = 5000;
const REPLICA_CHECK_MS = 2000;

/**
 * Reads go to the replica unless it failed to answer or fell more than maxLagSeconds
 * behind in the last few seconds; then to the primary, with no error for the client.
 */
function createReader(primary: pg.Pool, replica: pg.Pool, logger: Logger, maxLagSeconds: number) {
  let primaryUntil = 0;
  const divert = (reason: string) => {
    if (Date.now() >= primaryUntil) logger.warn({ reason }, 'replica unavailable: reads go to the primary');
    primaryUntil = Date.now() + REPLICA_RETRY_MS;
  };
  const lagCheck = setInterval(async () => {
    try {
      const { rows } = await replica.query<{ lag: number }>(
        `SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                     ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END::float8 AS lag`,
      );
      if ((rows[0]?.lag ?? 0) > maxLagSeconds) divert(`lagging ${rows[0]?.lag} s`);
    } catch (err) {
      if (isUnavailable(err)) divert((err as Error).message);
    }
  }, REPLICA_CHECK_MS);
  lagCheck.unref();
  const reader: Queryable = {
    query: (async (...args: Parameters<pg.Pool['query']>) => {
      if (Date.now() >= primaryUntil) {
        try {
          return await (replica.query as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (err) {
          if (!isUnavailable(err)) throw err;
          divert((err as Error).message);
        }
      }
      return (primary.query as (...a: unknown[]) => Promise<unknown>)(...args);
    }) as pg.Pool['query'],
  };
  return { reader, stop: () => clearInterval(lagCheck) };
}

type DbConfig = Config['db'];

function poolOptions(db: DbConfig, url: string, max: number, applicationName: string): pg.PoolConfig {
  return {
    connectionString: url,
    max,
    min: Math.min(db.poolMin, max),
    idleTimeoutMillis: db.idleTimeoutMs,
    maxLifetimeSeconds: db.maxLifetimeSeconds,
    connectionTimeoutMillis: db.connectTimeoutMs,
    statement_timeout: db.statementTimeoutMs || undefined,
    application_name: applicationName,
  };
}

/**
 * Makes a pool outlive its server's failures (a leader change, a restart) without taking
 * the process down: no connection error goes unhandled, and a statement whose connection
 * failed under it is sent again when that is safe (retryOnce). Every pool of the backend
 * goes through here.
 */
export function guardPool(pool: pg.Pool, name: string, logger: Logger): pg.Pool {
  sendOnce.set(pool, pool.query.bind(pool) as QueryFn);
  (pool as { query: pg.Pool['query'] }).query = retryOnce(pool);
  // An idle client that loses its server emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', (err) => logger.error({ pool: name, err: err.message }, 'idle database connection failed'));
  // A client taken out of the pool (a transaction) has no listener of the pool's: its
  // server going away would be an uncaught 'error'. The statement it runs fails with the
  // error, and the pool drops the client when it comes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Called with the duration of every query a pool runs (for db_query_duration_seconds). */
export type QueryObserver = (pool: 'primary' | 'replica', seconds: number) => void;

function observeQueries(pool: pg.Pool, name: 'primary' | 'replica', observe: QueryObserver): void {
  // Only the promise form of query() is used in this code base.
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    const started = performance.now();
    return query(...args).finally(() => observe(name, (performance.now() - started) / 1000));
  };
}

export function createPools(db: DbConfig, logger: Logger, observe?: QueryObserver, applicationName = 'codex-gateway'): Pools {
  const primary = new pg.Pool(poolOptions(db, db.primaryUrl, db.poolMax, applicationName));
  const replica = new pg.Pool(poolOptions(db, db.replicaUrl, db.replicaPoolMax, applicationName));
  if (observe) {
    observeQueries(primary, 'primary', observe);
    observeQueries(replica, 'replica', observe);
  }
  guardPool(primary, 'primary', logger);
  guardPool(replica, 'replica', logger);
  const { reader, stop } = createReader(primary, replica, logger, db.replicaMaxLagSeconds);
  return {
    primary,
    replica,
    reader,
    async close() {
      stop();
      await Promise.allSettled([primary.end(), replica.end()]);
    },
  };
}

/** The one line operators grep for ("connection pool"), with the numbers in effect. */
export function describePools(db: DbConfig, workers: number): Record<string, unknown> {
  return {
    workers,
    primary: { max_open: db.poolMax, min_idle: Math.min(db.poolMin, db.poolMax) },
    replica: { max_open: db.replicaPoolMax, min_idle: Math.min(db.poolMin, db.replicaPoolMax), same_server: db.replicaUrl === db.primaryUrl },
    idle_timeout_ms: db.idleTimeoutMs,
    max_lifetime_s: db.maxLifetimeSeconds,
  };
}

/**
 * Refuses a cluster that could open more connections than a server accepts. Every worker
 * of every replica may fill its pools, so the budget is replicas × workers × pool size.
 */
export async function checkConnectionBudget(config: Pick<Config, 'db' | 'cluster'>): Promise<void> {
  const { db, cluster } = config;
  const perProcess = cluster.backendReplicas * cluster.workers;
  const servers =
    db.replicaUrl === db.primaryUrl
      ? [{ name: 'primary', url: db.primaryUrl, need: perProcess * (db.poolMax + db.replicaPoolMax), pools: 'DB_POOL_MAX + DB_REPLICA_POOL_MAX' }]
      : [
          { name: 'primary', url: db.primaryUrl, need: perProcess * db.poolMax, pools: 'DB_POOL_MAX' },
          { name: 'replica', url: db.replicaUrl, need: perProcess * db.replicaPoolMax, pools: 'DB_REPLICA_POOL_MAX' },
        ];
  const problems: string[] = [];
  for (const server of servers) {
    const maxConnections = await readMaxConnections(server.url, db.connectTimeoutMs);
    const available = maxConnections - db.reservedConnections;
    if (server.need > available) {
      const fits = Math.floor(available / perProcess);
      problems.push(
        `the ${server.name} accepts ${maxConnections} connections (${db.reservedConnections} reserved, DB_RESERVED_CONNECTIONS), ` +
          `but BACKEND_REPLICAS=${cluster.backendReplicas} × WORKERS=${cluster.workers} × ${server.pools} could open ${server.need}: ` +
          `lower ${server.pools} to at most ${fits} per worker in total, lower WORKERS or BACKEND_REPLICAS, or raise max_connections on the ${server.name}`,
      );
    }
  }
  if (problems.length > 0) throw new ConnectionBudgetError(problems);
}

export class ConnectionBudgetError extends Error {
  constructor(readonly problems: string[]) {
    super(`database connection budget exceeded:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConnectionBudgetError';
  }
}

async function readMaxConnections(url: string, connectTimeoutMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  await client.connect();
  try {
    const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
    return Number(rows[0]?.max_connections);
  } finally {
    await client.end();
  }
}

/** Runs `fn` in a transaction on a client of `pool`: committed if it returns, rolled back if it throws. */
export async function withTransaction<T>(pool: pg.Pool, fn: (tx: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection whose ROLLBACK failed is in an unknown state (perhaps still inside the
  // transaction): it is destroyed, never handed to the next caller.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    // A connection to a server that went away, or stopped being the primary, is not reused.
    if (isUnavailable(err)) broken ??= err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}
