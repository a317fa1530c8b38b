import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { httpOk, waitFor, type Service } from './process.js';
import { loadSecrets } from './secrets.js';
import { DEMO_EMAIL, seedDemo } from './seed.js';
import { PRICE_LIST_FILE } from './paths.js';
import { startBackends, startFakePayments, startMailCatcher, startMockUpstream, type BackendInstance } from './services/backends.js';
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
  /** The backends' application role on the primary and the replica; the owner role (migrations, tools, DDL). */
  postgres: { primaryUrl: string; replicaUrl: string; ownerUrl: string };
  redisUrl: string;
  backends: Array<{ url: string; metricsUrl: string; pid: number }>;
  nginxPid: number;
  payments: { stripeWebhookSecret: string; epayPid: string; epayKey: string; fakeUrl?: string };
  prometheusUrl?: string;
  /** The web console (nginx serves it at /). */
  consoleUrl: string;
  /** A verified customer with the demo key and package, to sign in to the console with. */
  demoCustomer: { email: string; password: string };
  /** The bundled mail catcher the backends send through; absent when SMTP_URL names a real server. */
  mail?: { smtpUrl: string; apiUrl: string };
}

export interface StackPorts {
  gateway: number;
  upstream: number;
  pgPrimary: number;
  pgReplica: number;
  redis: number;
  payments: number;
  /** The mail catcher's SMTP and HTTP API ports. */
  mailSmtp: number;
  mailHttp: number;
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
  /** The processes running now (a restarted service has a new one). */
  readonly services: Service[];
  /** Stops one service on purpose (a failure drill); it stays down until started. */
  stopService(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped service again on its data and ports. */
  startService(name: string): Promise<void>;
  /** Stops in reverse start order: nginx, backends, mail catcher, payment fakes, upstream, Redis, replica, primary. */
  stop(): Promise<void>;
}

/** One service of the stack: its current process and how to start it again. */
interface Slot {
  service: Service;
  relaunch?: () => Service | Promise<Service>;
  /** Backends are restarted when they die (as compose's restart policy would). */
  supervised?: boolean;
  /** Stopped on purpose: not restarted by supervision. */
  held?: boolean;
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
  const slots: Slot[] = [];
  let stopping = false;
  const report = () => opts.onServices?.(slots.map((x) => x.service));
  const supervise = (slot: Slot) => {
    void slot.service.exited.then(async () => {
      if (stopping || slot.held || !slot.relaunch) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (stopping || slot.held) return;
      slot.service = await slot.relaunch();
      report();
      supervise(slot);
    });
  };
  const track = (...entries: Array<Service | Slot>) => {
    for (const entry of entries) {
      const slot: Slot = 'service' in entry ? entry : { service: entry };
      slots.push(slot);
      if (slot.supervised) supervise(slot);
    }
    report();
  };
  const slotOf = (name: string) => {
    const slot = slots.find((x) => x.service.name === name);
    if (!slot) throw new Error(`no service named ${name}`);
    return slot;
  };
  const stopOne = (service: Service, signal?: NodeJS.Signals) => service.stop(signal ?? (service.name.startsWith('postgres') ? 'SIGINT' : 'SIGTERM'), 40_000);
  const stop = async () => {
    stopping = true;
    // Reverse start order: nothing loses a dependency while it still has work.
    for (const slot of [...slots].reverse()) await stopOne(slot.service);
  };

  try {
    progress('postgres primary + replica');
    const pgPair = await startPostgres({
      root: path.join(opts.dir, 'postgres'),
      primaryPort: opts.ports.pgPrimary,
      replicaPort: opts.ports.pgReplica,
      password: secrets.dbPassword,
      appPassword: secrets.dbAppPassword,
      replicationPassword: secrets.dbReplicationPassword,
      logDir,
    });
    track({ service: pgPair.primary, relaunch: pgPair.relaunch.primary }, { service: pgPair.replica, relaunch: pgPair.relaunch.replica });

    progress('redis');
    const redisOptions = { dir: path.join(opts.dir, 'redis'), port: opts.ports.redis, logDir };
    const redis = await startRedis(redisOptions);
    track({ service: redis.service, relaunch: async () => (await startRedis(redisOptions)).service });

    let upstreamUrl: string;
    let upstreamBaseUrl: string;
    // The Messages API's channel (Claude Code): the mock speaks it too; a real provider's is set apart.
    let anthropicBaseUrl = opts.env.ANTHROPIC_UPSTREAM_BASE_URL;
    if (opts.upstream) {
      upstreamUrl = opts.upstream.baseUrl;
      upstreamBaseUrl = opts.upstream.baseUrl;
    } else {
      progress('mock upstream');
      const mock = await startMockUpstream({ port: opts.ports.upstream, logDir });
      track(mock.service);
      upstreamUrl = mock.url;
      upstreamBaseUrl = `${mock.url}/v1`;
      anthropicBaseUrl = mock.url;
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

    // Without an SMTP server of one's own, mail goes to the local catcher (tests read it there).
    let mail: StackInfo['mail'];
    if (!opts.env.SMTP_URL) {
      progress('mail catcher');
      const catcher = await startMailCatcher({ smtpPort: opts.ports.mailSmtp, httpPort: opts.ports.mailHttp, logDir });
      track(catcher.service);
      mail = { smtpUrl: catcher.smtpUrl, apiUrl: catcher.apiUrl };
    }

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
        // The backends serve as the application role and migrate (MIGRATE_ON_START) as the owner.
        DATABASE_URL: pgPair.primaryUrl,
        DATABASE_REPLICA_URL: pgPair.replicaUrl,
        DATABASE_OWNER_URL: pgPair.ownerUrl,
        REDIS_URL: redis.url,
        ADMIN_TOKEN: secrets.adminToken,
        KEY_PEPPER: secrets.keyPepper,
        UPSTREAM_BASE_URL: upstreamBaseUrl,
        UPSTREAM_API_KEY: opts.upstream?.apiKey ?? '',
        ANTHROPIC_UPSTREAM_BASE_URL: anthropicBaseUrl,
        DB_RESERVED_CONNECTIONS: String(PG_RESERVED),
        PUBLIC_BASE_URL: `http://127.0.0.1:${opts.ports.gateway}`,
        SMTP_URL: opts.env.SMTP_URL || mail?.smtpUrl,
        MAIL_FROM: opts.env.MAIL_FROM || 'Codex Gateway <no-reply@codex-gateway.local>',
        SIGNUP_MODE: opts.env.SIGNUP_MODE || 'open',
        // Starter and Pro on sale in a new stack's database (once: later edits stay).
        SEED_PRICE_LIST: opts.env.SEED_PRICE_LIST || PRICE_LIST_FILE,
        ...paymentEnv,
      },
    });
    track(...backends.map((b) => ({ service: b.service, relaunch: b.relaunch, supervised: true })));

    progress('seed');
    await seedDemo(pgPair.ownerUrl, secrets);

    progress('nginx');
    const nginx = await startNginx({
      prefix: path.join(opts.dir, 'nginx'),
      port: opts.ports.gateway,
      backends: backends.map((b) => `127.0.0.1:${b.port}`),
      logDir,
      edgeRateLimits: opts.env.EDGE_RATE_LIMITS !== 'off',
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
      postgres: { primaryUrl: pgPair.primaryUrl, replicaUrl: pgPair.replicaUrl, ownerUrl: pgPair.ownerUrl },
      redisUrl: redis.url,
      backends: backends.map((b) => ({ url: b.url, metricsUrl: b.metricsUrl, pid: b.service.pid })),
      nginxPid: nginx.pid,
      payments: {
        stripeWebhookSecret: secrets.stripeWebhookSecret,
        epayPid: secrets.epayPid,
        epayKey: secrets.epayKey,
        ...(fakePaymentsUrl ? { fakeUrl: fakePaymentsUrl } : {}),
      },
      ...(prometheusUrl ? { prometheusUrl } : {}),
      consoleUrl: `http://127.0.0.1:${opts.ports.gateway}/`,
      demoCustomer: { email: DEMO_EMAIL, password: secrets.demoPassword },
      ...(mail ? { mail } : {}),
    };
    // Each backend answered /readyz on its own port; /readyz is not served through nginx.
    await waitFor('nginx to route to the backends', () => httpOk(`${info.gatewayUrl}/healthz`), 20_000);
    writeFileSync(path.join(opts.dir, 'stack.json'), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
    return {
      info,
      get services() {
        return slots.map((x) => x.service);
      },
      async stopService(name, signal) {
        const slot = slotOf(name);
        slot.held = true;
        await stopOne(slot.service, signal);
      },
      async startService(name) {
        const slot = slotOf(name);
        if (!slot.relaunch) throw new Error(`${name} cannot be restarted`);
        slot.service = await slot.relaunch();
        slot.held = false;
        report();
        if (slot.supervised) supervise(slot);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
