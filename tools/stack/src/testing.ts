import { readFileSync } from 'node:fs';
import { waitFor } from './process.js';
import type { StackInfo } from './stack.js';
import { createAdminClient } from './admin-client.js';
import type { CaughtMail } from '@codex-gateway/mail-catcher';

/** The cluster `npm test` started for this run (see test-run.ts). */
export function testStack(): StackInfo {
  const file = process.env.STACK_FILE;
  if (!file) throw new Error('STACK_FILE is not set: run the tests with `npm test`, which starts the cluster they need');
  return JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
}

/** A directory for a test's own services (logs, data), inside the test stack's. */
export function testDir(): string {
  const dir = process.env.STACK_DIR;
  if (!dir) throw new Error('STACK_DIR is not set: run the tests with `npm test`');
  return dir;
}

export { startRedis, startSentinel } from './services/redis.js';
export { freePort } from './ports.js';
export { silentWav } from './audio-fixture.js';
export { mockConfig } from './mock-control.js';
import { freePort as freePortLocal } from './ports.js';
export { waitFor };

/**
 * Until the wall clock has passed `instant` (ms since the epoch): a timer may fire a
 * millisecond early by Date.now(), so it waits again until it has.
 */
export async function untilPast(instant: number): Promise<void> {
  while (Date.now() <= instant) await new Promise((resolve) => setTimeout(resolve, instant - Date.now() + 1));
}

/** A GET on a new connection each time, so node:cluster hands it to the next worker. */
export async function getOnNewConnection(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: import('node:http').IncomingHttpHeaders }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`GET ${url} timed out`)));
  });
}

/** Parses Prometheus text exposition into samples; throws on a line that is not valid. */
export function parsePrometheusText(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*/.test(line)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)(?: -?\d+)?$/.exec(line);
    if (!m) throw new Error(`not Prometheus text format: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** A metric summed over every backend instance of the test stack (its samples matching `labels`). */
export async function metricSum(name: string, labels: Record<string, string> = {}): Promise<number> {
  let sum = 0;
  for (const b of testStack().backends) {
    for (const s of parsePrometheusText(await (await fetch(b.metricsUrl)).text())) {
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) sum += s.value;
    }
  }
  return sum;
}

/** The status of `GET /v1/usage` with this key on every worker of every backend (a new connection each time). */
export async function statusesOnEveryWorker(key: string, perBackend: number): Promise<number[]> {
  const statuses: number[] = [];
  for (const backend of testStack().backends) {
    for (let i = 0; i < perBackend; i += 1) statuses.push((await getWithKey(`${backend.url}/v1/usage`, key)).status);
  }
  return statuses;
}

/**
 * Waits until every worker of every backend lists `model` in `/v1/models` for this key. A
 * worker's catalogue is a snapshot loaded after the change it last heard of, so one that
 * lists the model also holds every catalogue change committed before it was added.
 */
export async function waitForModelOnEveryWorker(key: string, model: string, perBackend = 6, timeoutMs = 10_000): Promise<void> {
  const lists = (body: string) => (JSON.parse(body) as { data?: Array<{ id: string }> }).data?.some((m) => m.id === model) ?? false;
  await waitFor(
    `${model} in /v1/models on every worker`,
    async () => {
      for (const backend of testStack().backends) {
        for (let i = 0; i < perBackend; i += 1) if (!lists((await getWithKey(`${backend.url}/v1/models`, key)).body)) return false;
      }
      return true;
    },
    timeoutMs,
    50,
  );
}

/**
 * Waits until the usage stream is empty: the flushers delete each record once it is written
 * to Postgres, so every record the gateway had added by now is in usage_logs. A positive sign
 * that the pipeline has drained, where a pause would only hope so.
 */
export async function waitForUsageFlushed(timeoutMs = 20_000): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(testStack().redisUrl);
  try {
    await waitFor('the usage stream to drain', async () => (await redis.xlen('cg:usage')) === 0, timeoutMs, 50);
  } finally {
    redis.disconnect();
  }
}

/** The secrets the test stack was started with (the key pepper, to issue keys of its own). */
export function testSecrets(): import('./secrets.js').StackSecrets {
  return JSON.parse(readFileSync(`${testDir()}/secrets.json`, 'utf8'));
}

type Json = any;

/** What an app built in a test process needs to run on the test stack: its databases, its Redis and its key pepper (so keys issued through the stack work). */
export function stackEnv(stack: StackInfo = testStack()): Record<string, string> {
  return {
    DATABASE_URL: stack.postgres.primaryUrl,
    DATABASE_REPLICA_URL: stack.postgres.replicaUrl,
    REDIS_URL: stack.redisUrl,
    KEY_PEPPER: testSecrets().keyPepper,
  };
}

/** The admin API of the test stack, for tests that need users, packages and keys of their own. */
export function adminApi(stack: StackInfo = testStack()) {
  return createAdminClient(stack);
}

/** GET with an API key on a new connection (so successive calls reach different workers). */
export function getWithKey(url: string, key: string) {
  return getOnNewConnection(url, { authorization: `Bearer ${key}` });
}

/** POSTs JSON with an API key; the answer's status, headers and parsed body (text if not JSON). */
export async function postJson(url: string, key: string, body: unknown): Promise<{ status: number; headers: Headers; body: Json }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, headers: res.headers, body: JSON.parse(text) };
  } catch {
    return { status: res.status, headers: res.headers, body: text };
  }
}

/** Polls a query on the primary until `done` holds for its rows. */
export async function waitForRows<T extends import('pg').QueryResultRow>(
  sql: string,
  params: unknown[],
  done: (rows: T[]) => boolean,
  timeoutMs = 20_000,
): Promise<T[]> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: testStack().postgres.primaryUrl });
  await client.connect();
  let rows: T[] = [];
  try {
    await waitFor(`rows of: ${sql.trim().slice(0, 60)}`, async () => done((rows = (await client.query<T>(sql, params)).rows)), timeoutMs, 100);
    return rows;
  } finally {
    await client.end();
  }
}

/** Presses Pay on the fake Stripe Checkout page at `checkoutUrl`: the session completes and its webhook goes out. */
export function payOnFakeStripe(checkoutUrl: string, stack: Pick<StackInfo, 'payments'> = testStack()): Promise<Response> {
  const sessionId = checkoutUrl.split('/').pop();
  return fetch(`${stack.payments.fakeUrl}/__fake/stripe/sessions/${sessionId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

/**
 * Runs `use` with the URL of an empty database of its own (made by the owner role, which
 * makes and migrates databases), and drops it afterwards, connections and all.
 */
export async function withScratchDatabase(name: string, use: (url: string) => Promise<void>): Promise<void> {
  const pg = (await import('pg')).default;
  const { ownerUrl } = testStack().postgres;
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query(`DROP DATABASE IF EXISTS ${name}`);
    await owner.query(`CREATE DATABASE ${name}`);
    await use(ownerUrl.replace(/\/[^/]+$/, `/${name}`));
  } finally {
    await owner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await owner.end();
  }
}

/**
 * A backend instance of the test's own (same databases, Redis and upstream as the test
 * stack, not behind nginx), for tests that stop or kill it.
 */
export async function startExtraBackend(name: string, env: Record<string, string> = {}) {
  const path = await import('node:path');
  const { BACKEND_MAIN } = await import('./paths.js');
  const { httpOk, startService } = await import('./process.js');
  const stack = testStack();
  const [port, metricsPort] = [await freePortLocal(), await freePortLocal()];
  const service = startService(name, process.execPath, [BACKEND_MAIN], {
    logFile: path.join(testDir(), 'logs', `${name}.log`),
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      INSTANCE_ID: name,
      WORKERS: '2',
      DB_POOL_MAX: '4',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_URL: stack.postgres.primaryUrl,
      DATABASE_REPLICA_URL: stack.postgres.replicaUrl,
      // Migrations (MIGRATE_ON_START=true) run as the owner, as on the stack's own backends.
      DATABASE_OWNER_URL: stack.postgres.ownerUrl,
      REDIS_URL: stack.redisUrl,
      KEY_PEPPER: testSecrets().keyPepper,
      UPSTREAM_BASE_URL: `${stack.upstreamUrl}/v1`,
      ANTHROPIC_UPSTREAM_BASE_URL: stack.upstreamUrl,
      ...env,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(name, () => httpOk(`${url}/readyz`), 30_000, 100);
  return { service, url, port };
}

export type { CaughtMail };

/**
 * The newest mail to `to` (matching `subject`, received at `since` or later, when given) that
 * the test stack's mail catcher holds, waiting for it to arrive: the backends send after
 * they answer, so a mail can lag its request a little.
 */
export async function readMail(to: string, options: { subject?: RegExp; since?: Date; timeoutMs?: number } = {}): Promise<CaughtMail> {
  const { mail } = testStack();
  if (!mail) throw new Error('the test stack has no mail catcher (SMTP_URL was set): unset it and run the tests again');
  const matches = (m: CaughtMail) => (!options.subject || options.subject.test(m.subject)) && (!options.since || Date.parse(m.date) >= options.since.getTime());
  let seen: CaughtMail[] = [];
  try {
    await waitFor(
      `a mail to ${to}${options.subject ? ` with a subject like ${options.subject}` : ''}`,
      async () => {
        const res = await fetch(`${mail.apiUrl}/messages?to=${encodeURIComponent(to)}`);
        if (!res.ok) throw new Error(`the mail catcher answered ${res.status}`);
        seen = (await res.json()) as CaughtMail[];
        return seen.some(matches);
      },
      options.timeoutMs ?? 10_000,
      100,
    );
  } catch (err) {
    const subjects = seen.map((m) => JSON.stringify(m.subject)).join(', ');
    throw new Error(`${(err as Error).message}${seen.length ? `; mails to ${to}: ${subjects}` : `; no mail to ${to} at all`}`);
  }
  return seen.find(matches)!;
}

/**
 * The first link in a mail to the gateway at `pathPrefix` (e.g. '/verify?token='), from its
 * text part (or its HTML part when the text has none).
 */
export function linkFrom(mail: Pick<CaughtMail, 'text' | 'html' | 'subject'>, pathPrefix: string, stack: Pick<StackInfo, 'gatewayUrl'> = testStack()): string {
  const start = `${stack.gatewayUrl}${pathPrefix}`;
  const escaped = start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}[^\\s<>"')\\]]*`);
  // A link that ends a sentence does not take the full stop with it.
  const link = (pattern.exec(mail.text)?.[0] ?? pattern.exec((mail.html ?? '').replaceAll('&amp;', '&'))?.[0])?.replace(/[.,;:!?]+$/, '');
  if (!link) throw new Error(`no link starting with ${start} in the mail ${JSON.stringify(mail.subject)}:\n${mail.text}`);
  return link;
}

/** `admin ARGS…` (the backend's CLI) against the test stack, with the backends' own environment (`env` overrides it; undefined unsets). */
export async function runAdmin(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { execFile } = await import('node:child_process');
  const { BACKEND_ADMIN } = await import('./paths.js');
  const stack = testStack();
  const merged: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: stack.postgres.primaryUrl,
    REDIS_URL: stack.redisUrl,
    KEY_PEPPER: testSecrets().keyPepper,
    PUBLIC_BASE_URL: stack.gatewayUrl,
    ...env,
  };
  const childEnv = Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
  return new Promise((resolve) => {
    execFile(process.execPath, [BACKEND_ADMIN, ...args], { env: childEnv }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** `admin create-owner EMAIL` against the test stack: the one-time link it prints. */
export async function createOwner(email: string): Promise<string> {
  const { code, stdout, stderr } = await runAdmin(['create-owner', email]);
  const link = /https?:\/\/\S+/.exec(stdout)?.[0];
  if (code !== 0 || !link) throw new Error(`create-owner answered ${code} and printed no link: ${stdout}${stderr}`);
  return link;
}

/** `admin reset-2fa EMAIL` against the test stack: what it printed (it throws when the command failed). */
export async function resetSecondFactor(email: string): Promise<string> {
  const { code, stdout, stderr } = await runAdmin(['reset-2fa', email]);
  if (code !== 0) throw new Error(`reset-2fa answered ${code}: ${stdout}${stderr}`);
  return stdout;
}
