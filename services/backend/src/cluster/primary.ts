import cluster, { type Worker } from 'node:cluster';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import client from 'prom-client';
import type { Config } from '../infra/config.js';
import { checkConnectionBudget, describePools, guardPool } from '../infra/db.js';
import { createLogger, startupLogger, type Logger } from '../infra/logger.js';
import { maintainUsagePartitions, prepareDatabase } from '../infra/migrate.js';
import { createMetricsServer } from './metrics-server.js';
import { registerDependencyMetrics } from './dependency-metrics.js';
import { createRedis } from '../infra/redis.js';
import { createDeadLetters } from '../features/usage/usage-dead-letters.js';
import { createUsageFlusher } from '../features/usage/usage-flusher.js';
import { dayCredits } from '../features/usage/daily-usage-store.js';
import { createOrderStore } from '../features/payments/order-store.js';
import { createLimitWatch } from '../features/notices/limit-watch.js';
import { startNoticeScans } from '../features/notices/notice-scans.js';
import { seedConfiguredPriceList } from '../features/packages/price-list-seed.js';

const PARTITION_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
const STARTUP_DB_WAIT_MS = 60_000;

/**
 * The cluster primary of one backend instance: checks the connection budget, migrates,
 * forks WORKERS workers and replaces any that die, and serves the instance's metrics.
 */
export async function startPrimary(config: Config): Promise<void> {
  const logger = createLogger(config, { role: 'primary' });
  const announce = startupLogger(logger);

  try {
    // Migrating as the owner, the application role may not exist before this instance makes it.
    await waitForDatabase(config.db.migrateOnStart && config.db.ownerUrl ? config.db.ownerUrl : config.db.primaryUrl, logger);
    if (config.db.migrateOnStart) {
      const applied = await prepareDatabase(config.db, config.usage.retentionDays, logger);
      if (applied.length) announce.info({ applied }, 'migrations applied');
      await seedConfiguredPriceList(config.db, announce);
    }
    await checkConnectionBudget(config);
  } catch (err) {
    logger.fatal({ err: (err as Error).message }, 'startup refused');
    process.exit(1);
  }
  announce.info(describePools(config.db, config.cluster.workers), 'connection pool');

  const registry = new client.Registry();
  const restarts = new client.Counter({
    name: 'gateway_worker_restarts_total',
    help: 'Workers that died and were replaced by the cluster primary.',
    registers: [registry],
  });
  // This instance's usage flusher: one consumer of the group that writes usage to Postgres.
  const flusherPool = guardPool(new pg.Pool({ connectionString: config.db.primaryUrl, max: 2, application_name: 'codex-gateway-flusher' }), 'flusher', logger);
  const flusherRedis = createRedis(config.redis, logger, 'flusher');
  const deadLetters = createDeadLetters(flusherRedis);
  const deadLettered = new client.Counter({
    name: 'usage_dead_letters_total',
    help: 'Usage records this instance set aside because Postgres refused them (see docs/operations.md).',
    registers: [registry],
  });
  new client.Gauge({
    name: 'usage_dead_letters',
    help: 'Usage records waiting in the dead-letter stream for an operator (cluster-wide).',
    registers: [registry],
    async collect() {
      this.set(await deadLetters.count().catch(() => NaN));
    },
  });
  // Customer notices (only with a mail server): limit warnings from the usage this flusher
  // writes; reminders and lost receipts by date, one backend at a time.
  // A connection of their own: the flusher's blocks in XREADGROUP.
  const noticeRedis = config.accounts.smtpUrl !== undefined ? createRedis(config.redis, logger, 'notices') : undefined;
  const limitWatch =
    noticeRedis &&
    createLimitWatch({
      db: flusherPool,
      redis: noticeRedis,
      timeZone: config.quota.timeZone,
      logger,
      dayCredits: (userIds, day) => dayCredits(flusherPool, userIds, day),
    });
  const noticeScans =
    noticeRedis &&
    startNoticeScans({
      pool: flusherPool,
      redis: noticeRedis,
      intervalMs: config.notices.scanIntervalMs,
      leadDays: config.notices.endingLeadDays,
      timeZone: config.quota.timeZone,
      logger,
    });
  const flusher = createUsageFlusher({
    redis: flusherRedis,
    pool: flusherPool,
    logger,
    consumer: `${config.instanceId}:${process.pid}`,
    batchSize: config.usage.flushBatch,
    intervalMs: config.usage.flushIntervalMs,
    claimIdleMs: config.usage.claimIdleMs,
    deadLetters,
    onDeadLetter: () => deadLettered.inc(),
    onWritten: limitWatch && ((records) => limitWatch.touched(records.map((r) => r.userId))),
  });
  flusher.start();
  new client.Gauge({
    name: 'usage_stream_pending',
    help: 'Usage records in the Redis stream not yet written to Postgres (cluster-wide).',
    registers: [registry],
    async collect() {
      this.set(await flusher.backlog().catch(() => NaN));
    },
  });
  const replicaProbe = guardPool(new pg.Pool({ connectionString: config.db.replicaUrl, max: 1, application_name: 'codex-gateway-probe' }), 'probe', logger);
  registerDependencyMetrics(registry, { primary: flusherPool, replica: replicaProbe, redis: flusherRedis });
  const metricsServer = createMetricsServer(registry, logger);
  await new Promise<void>((resolve) => metricsServer.listen(config.metrics.port, config.metrics.host, resolve));

  let stopping = false;
  let recentCrashes = 0;
  cluster.on('exit', (worker: Worker, code, signal) => {
    if (stopping) return;
    restarts.inc();
    logger.warn({ workerPid: worker.process.pid, code, signal }, 'worker died; starting a replacement');
    // A worker that dies straight away would otherwise be re-forked in a tight loop.
    recentCrashes += 1;
    setTimeout(() => (recentCrashes = Math.max(0, recentCrashes - 1)), 10_000).unref();
    setTimeout(() => !stopping && cluster.fork(), recentCrashes > 3 ? 1000 : 0);
  });
  cluster.setupPrimary({ execArgv: [...process.execArgv, ...config.cluster.workerNodeFlags] });
  for (let i = 0; i < config.cluster.workers; i += 1) cluster.fork();

  // Pending orders past their time become expired (a late payment is still honoured).
  const orderStore = createOrderStore({ pools: { primary: flusherPool, replica: flusherPool, reader: flusherPool, close: async () => undefined } });
  const expiry = setInterval(() => {
    orderStore.expireDue().catch((err) => logger.error({ err: (err as Error).message }, 'could not expire orders'));
  }, 60_000);
  expiry.unref();

  const partitions = setInterval(() => {
    withClient(config.db.primaryUrl, (c) => maintainUsagePartitions((sql, params) => c.query(sql, params), config.usage.retentionDays)).catch((err) =>
      logger.error({ err: (err as Error).message }, 'could not maintain usage_logs partitions'),
    );
  }, PARTITION_CHECK_INTERVAL_MS);
  partitions.unref();

  announce.info({ port: config.http.port, metricsPort: config.metrics.port, workers: config.cluster.workers }, 'backend instance started');

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    announce.info({ signal }, 'stopping workers');
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    const exited = Promise.all(workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(null) : w.once('exit', resolve)))));
    for (const w of workers) w.process.kill('SIGTERM');
    const deadline = sleep(config.http.drainDelayMs + config.http.shutdownTimeoutMs + 5000).then(() => 'timeout');
    if ((await Promise.race([exited, deadline])) === 'timeout') {
      logger.error('workers did not drain in time; killing them');
      for (const w of workers) w.process.kill('SIGKILL');
    }
    // Workers have recorded their last usage; write what is in hand before leaving.
    await flusher.stop();
    await Promise.allSettled([noticeScans?.stop(), limitWatch?.stop()]);
    noticeRedis?.disconnect();
    flusherRedis.disconnect();
    await Promise.allSettled([flusherPool.end(), replicaProbe.end()]);
    metricsServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** In compose the backend may start before Postgres accepts connections. */
async function waitForDatabase(url: string, logger: Logger): Promise<void> {
  const deadline = Date.now() + STARTUP_DB_WAIT_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await withClient(url, (c) => c.query('SELECT 1'));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`database not reachable: ${(err as Error).message}`);
      if (attempt === 1) logger.warn({ err: (err as Error).message }, 'waiting for the database');
      await sleep(500);
    }
  }
}
