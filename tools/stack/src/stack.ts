import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { httpOk, waitFor, type Service } from './process.js';
import { loadSecrets } from './secrets.js';
import { seedDemo } from './seed.js';
import { startBackends, startFakePayments, startMockUpstream, type BackendInstance } from './services/backends.js';
import { startNginx } from './services/nginx.js';
import { startPostgres } from './services/postgres.js';
import { startRedis } from './services/redis.js';
import { startPrometheus } from './services/prometheus.js';

/** The `.stack/stack.json` contract that tools outside the project rely on (design.md). */
export interface StackInfo {
  gatewayUrl: string;
  adminToken: string;
  demoApiKey: string;
  upstreamUrl: string;
  postgres: { primaryUrl: string; replicaUrl: string };
  redisUrl: string;
  backends: Array<{ url: string; metricsUrl: string; pid: number }>;
  nginxPid: number;
  payments: { stripeWebhookSecret: string; epayPid: string; epayKey: string; fakeUrl?: string };
  prometheusUrl?: string;
}

export interface StackPorts {
  gateway: number;
  upstream: number;
  pgPrimary: number;
  pgReplica: number;
  redis: number;
  payments: number;
  prometheus: number;
  backends: Array<{ port: number; metricsPort: number }>;
}

export interface StackOptions {
  dir: string;
  ports: StackPorts;
  backends: number;
  workers: number;
  fresh: boolean;
  /** Also run Prometheus against the backends (npm start -- --monitoring). */
  monitoring?: boolean;
  logLevel: string;
  /** A real provider; without it the bundled mock upstream is started. */
  upstream?: { baseUrl: string; apiKey: string };
  /** Environment passed to the backends underneath the stack's own settings. */
  env: NodeJS.ProcessEnv;
  onProgress?: (step: string) => void;
  /** Called with every service as soon as it runs (the runner records their pids). */
  onServices?: (services: Service[]) => void;
}

export interface RunningStack {
  info: StackInfo;
  services: Service[];
  /** Stops in order: nginx, backends, upstream, Redis, replica, primary. */
  stop(): Promise<void>;
}

// Postgres allows 300 connections (deploy/postgres-replica/postgresql.conf); 10 stay reserved.
const PG_MAX_CONNECTIONS = 300;
const PG_RESERVED = 10;

export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const progress = opts.onProgress ?? (() => undefined);
  if (opts.fresh) {
    for (const entry of ['postgres', 'redis', 'nginx', 'secrets.json', 'stack.json']) rmSync(path.join(opts.dir, entry), { recursive: true, force: true });
  }
  const logDir = path.join(opts.dir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const secrets = loadSecrets(opts.dir);
  const started: Service[] = [];
  const track = (...services: Service[]) => {
    started.push(...services);
    opts.onServices?.([...started]);
  };
  const stop = async () => {
    // Reverse start order: nothing loses a dependency while it still has work.
    for (const service of [...started].reverse()) {
      await service.stop(service.name.startsWith('postgres') ? 'SIGINT' : 'SIGTERM', 40_000);
    }
  };

  try {
    progress('postgres primary + replica');
    const pgPair = await startPostgres({ root: path.join(opts.dir, 'postgres'), primaryPort: opts.ports.pgPrimary, replicaPort: opts.ports.pgReplica, password: secrets.dbPassword, logDir });
    track(pgPair.primary, pgPair.replica);

    progress('redis');
    const redis = await startRedis({ dir: path.join(opts.dir, 'redis'), port: opts.ports.redis, logDir });
    track(redis.service);

    let upstreamUrl: string;
    let upstreamBaseUrl: string;
    if (opts.upstream) {
      upstreamUrl = opts.upstream.baseUrl;
      upstreamBaseUrl = opts.upstream.baseUrl;
    } else {
      progress('mock upstream');
      const mock = await startMockUpstream({ port: opts.ports.upstream, logDir });
      track(mock.service);
      upstreamUrl = mock.url;
      upstreamBaseUrl = `${mock.url}/v1`;
    }

    // Without real payment credentials, both providers run against local fakes.
    const realPayments = Boolean(opts.env.STRIPE_SECRET_KEY || opts.env.EPAY_GATEWAY_URL);
    let fakePaymentsUrl: string | undefined;
    if (!realPayments) {
      progress('fake payment providers (Stripe, EPay)');
      const fake = await startFakePayments({
        port: opts.ports.payments,
        logDir,
        webhookUrl: `http://127.0.0.1:${opts.ports.gateway}/api/payments/webhook/stripe`,
        secrets,
      });
      track(fake.service);
      fakePaymentsUrl = fake.url;
    }
    const paymentEnv = fakePaymentsUrl
      ? {
          STRIPE_SECRET_KEY: 'sk_test_local_fake',
          STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
          STRIPE_API_BASE_URL: fakePaymentsUrl,
          EPAY_GATEWAY_URL: fakePaymentsUrl,
          EPAY_PID: secrets.epayPid,
          EPAY_KEY: secrets.epayKey,
        }
      : {};

    progress(`${opts.backends} backend replicas × ${opts.workers} workers`);
    const poolMax = Math.min(100, Math.floor((PG_MAX_CONNECTIONS - PG_RESERVED) / (opts.backends * opts.workers)));
    const backends: BackendInstance[] = await startBackends({
      count: opts.backends,
      ports: opts.ports.backends,
      logDir,
      env: {
        DB_POOL_MAX: String(poolMax),
        LOG_LEVEL: opts.logLevel,
        ...opts.env,
        NODE_ENV: opts.env.NODE_ENV ?? 'development',
        HOST: '127.0.0.1',
        WORKERS: String(opts.workers),
        BACKEND_REPLICAS: String(opts.backends),
        DATABASE_URL: pgPair.primaryUrl,
        DATABASE_REPLICA_URL: pgPair.replicaUrl,
        REDIS_URL: redis.url,
        ADMIN_TOKEN: secrets.adminToken,
        KEY_PEPPER: secrets.keyPepper,
        UPSTREAM_BASE_URL: upstreamBaseUrl,
        UPSTREAM_API_KEY: opts.upstream?.apiKey ?? '',
        DB_RESERVED_CONNECTIONS: String(PG_RESERVED),
        PUBLIC_BASE_URL: `http://127.0.0.1:${opts.ports.gateway}`,
        ...paymentEnv,
      },
    });
    track(...backends.map((b) => b.service));

    progress('seed');
    await seedDemo(pgPair.primaryUrl, secrets);

    progress('nginx');
    const nginx = await startNginx({
      prefix: path.join(opts.dir, 'nginx'),
      port: opts.ports.gateway,
      backends: backends.map((b) => `127.0.0.1:${b.port}`),
      logDir,
    });
    track(nginx);

    let prometheusUrl: string | undefined;
    if (opts.monitoring) {
      progress('prometheus');
      const prometheus = await startPrometheus({
        dir: path.join(opts.dir, 'prometheus'),
        port: opts.ports.prometheus,
        metricsTargets: backends.map((b) => new URL(b.metricsUrl).host),
        logDir,
      });
      track(prometheus.service);
      prometheusUrl = prometheus.url;
    }

    const info: StackInfo = {
      gatewayUrl: `http://127.0.0.1:${opts.ports.gateway}`,
      adminToken: secrets.adminToken,
      demoApiKey: secrets.demoApiKey,
      upstreamUrl,
      postgres: { primaryUrl: pgPair.primaryUrl, replicaUrl: pgPair.replicaUrl },
      redisUrl: redis.url,
      backends: backends.map((b) => ({ url: b.url, metricsUrl: b.metricsUrl, pid: b.service.pid })),
      nginxPid: nginx.pid,
      payments: { stripeWebhookSecret: secrets.stripeWebhookSecret, epayPid: secrets.epayPid, epayKey: secrets.epayKey, ...(fakePaymentsUrl ? { fakeUrl: fakePaymentsUrl } : {}) },
      ...(prometheusUrl ? { prometheusUrl } : {}),
    };
    await waitFor('nginx to route to the backends', () => httpOk(`${info.gatewayUrl}/readyz`), 20_000);
    writeFileSync(path.join(opts.dir, 'stack.json'), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    return { info, services: started, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
