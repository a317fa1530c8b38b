import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createAdminClient } from './admin-client.js';
import { randomPorts } from './config.js';
import { freePort } from './ports.js';
import type { Service } from './process.js';
import { startMockUpstream } from './services/backends.js';
import { startStack, type RunningStack } from './stack.js';
import { parsePrometheusText } from './testing.js';

/**
 * `npm run drill -- <name>`: a failure under steady load on a private cluster, then the
 * drill's own promise, checked against explicit bounds, and the books: every successful
 * response has its usage row, daily_usage agrees with usage_logs, and no user went past a
 * daily limit. Any check that fails makes the drill exit non-zero.
 */
type Check = [what: string, pass: boolean, detail: string];

/** The load as a drill sees it while it runs and after: times are ms since the load began. */
interface DrillRun {
  stack: RunningStack;
  /** Date.now() when the load began. */
  started: number;
  /** Requests sent and not yet answered, now. */
  inFlight: () => number;
  outcomes: Outcome[];
}

interface Drill {
  about: string;
  /** Before the load starts. */
  prepare?: (stack: RunningStack, dir: string) => Promise<void>;
  disrupt: (run: DrillRun) => Promise<void>;
  /** After the load, before the books: what the drill promises of its own, checked. */
  verify?: (run: DrillRun, disruptedAt: number) => Promise<Check[]>;
  /** The client errors the drill allows; by default none. */
  clientErrors?: (errors: Outcome[], run: DrillRun) => Check;
  /** Whatever `prepare` started outside the stack. */
  cleanup?: () => Promise<void>;
  /** Backend settings of the drill's stack. */
  env?: Record<string, string>;
}

/** channel-outage's second channel: a mock upstream of its own, added through the admin API. */
const second: { service?: Service; port?: number; logDir?: string; restartedAt?: number; closedAt?: number } = {};
/**
 * kill-backend's moments (ms since the load began): the SIGKILL, with the requests unanswered
 * then, and the first refused connection to the instance, when it could take no more.
 */
const kill: { at?: number; inFlight?: number; goneAt?: number } = {};
/** slow-upstream's window, in ms since the load began. */
const slow: { from?: number; to?: number } = {};

/** A restored channel: closed again within this long after its upstream came back. */
const RESTORE_BOUND_MS = 10_000;
/** Usage look-ups while the upstream is slow: the median at most this many times the one before (plus a floor for a loaded machine), none near the upstream's delay. */
const LOOKUP_MEDIAN_FACTOR = 3;
const LOOKUP_MEDIAN_FLOOR_MS = 25;
const LOOKUP_MAX_MS = 1000;
const SLOW_UPSTREAM_MS = 5000;
const CHAT_CONNECTIONS = 12;

const DRILLS: Record<string, Drill> = {
  'kill-backend': {
    about: 'SIGKILL one backend instance (primary and workers); nginx routes around it; the stack restarts it',
    disrupt: async ({ stack, started, inFlight }) => {
      const victim = stack.services.find((s) => s.name === 'backend-1')!;
      kill.inFlight = inFlight();
      kill.at = Date.now() - started;
      process.kill(-victim.pid, 'SIGKILL');
      const { port } = new URL(stack.info.backends[0]!.url);
      while (await accepts(Number(port))) await sleep(1);
      kill.goneAt = Date.now() - started;
      await sleep(10_000);
      const back = await fetch(`${stack.info.backends[0]!.url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      console.log(`backend-1 restarted by the stack and ready again: ${back ? 'yes' : 'NO'}`);
      if (!back) throw new Error('backend-1 did not come back');
    },
    // Only requests the instance may have held when it died may fail: those unanswered at
    // the kill and those sent until it refused connections, none sent later.
    clientErrors: (errors, run) => {
      const sentWhileDying = run.outcomes.filter((o) => o.at >= kill.at! && o.at < kill.goneAt!).length;
      const bound = kill.inFlight! + sentWhileDying;
      const late = errors.filter((o) => o.at >= kill.goneAt!);
      return [
        'client errors only among the requests the killed instance may have held',
        late.length === 0 && errors.length <= bound,
        `${errors.length} failed ≤ ${bound} (${kill.inFlight} in flight at the kill, ${sentWhileDying} sent in the ${kill.goneAt! - kill.at!} ms until it refused connections); ${late.length} sent later failed`,
      ];
    },
  },
  'redis-restart': {
    about: 'stop Redis for 10 s: quota in Postgres, usage straight to Postgres, then back to the fast path',
    disrupt: ({ stack }) => outage(stack, 'redis'),
  },
  'replica-down': {
    about: 'stop the replica for 10 s: reads move to the primary and back',
    disrupt: ({ stack }) => outage(stack, 'postgres-replica'),
  },
  'primary-down': {
    about: 'stop the primary for 10 s: cached keys keep relaying, usage waits in the Redis stream',
    disrupt: ({ stack }) => outage(stack, 'postgres-primary'),
  },
  'channel-outage': {
    about:
      'a second channel takes half the traffic; its upstream dies for 10 s and comes back: requests fail over before any byte, the channel cools on every replica, is tried half-open and restored',
    env: { CHANNEL_COOLDOWN_MS: '3000', CHANNEL_FAILURE_THRESHOLD: '3', CHANNEL_PROBE_INTERVAL_MS: '2000' },
    prepare: async (stack, dir) => {
      second.logDir = dir;
      second.port = await freePort();
      second.service = (await startMockUpstream({ port: second.port, logDir: dir })).service;
      const admin = createAdminClient(stack.info);
      await admin.call('POST', '/channels', { name: 'second', base_url: `http://127.0.0.1:${second.port}/v1`, priority: 0, weight: 1 }).then((r) => {
        if (r.status !== 201) throw new Error(`adding the second channel answered ${r.status}: ${JSON.stringify(r.body)}`);
      });
    },
    disrupt: async ({ stack }) => {
      process.kill(-second.service!.pid, 'SIGKILL');
      await sleep(10_000);
      second.service = (await startMockUpstream({ port: second.port!, logDir: second.logDir! })).service;
      second.restartedAt = Date.now();
      // Back in use once a trial (a request or a probe) passes after the cool-down.
      const admin = createAdminClient(stack.info);
      for (const deadline = Date.now() + 2 * RESTORE_BOUND_MS; Date.now() < deadline; await sleep(100)) {
        const channels = (await admin.call('GET', '/channels')).body as Array<{ name: string; health: { state: string } }>;
        if (channels.find((c) => c.name === 'second')?.health.state === 'closed') {
          second.closedAt = Date.now();
          break;
        }
      }
    },
    verify: (run, disruptedAt) => channelOutageChecks(run, disruptedAt),
    cleanup: async () => {
      await second.service?.stop();
    },
  },
  'slow-upstream': {
    about: 'the upstream answers after 5 s for 8 s: nothing blocks, usage look-ups keep their latency',
    disrupt: async ({ stack, started }) => {
      await mockConfig(stack, { latencyMs: SLOW_UPSTREAM_MS });
      slow.from = Date.now() - started;
      await sleep(8000);
      await mockConfig(stack, { latencyMs: 0 });
      slow.to = Date.now() - started;
    },
    verify: async ({ outcomes }, disruptedAt) => slowUpstreamChecks(outcomes, disruptedAt),
  },
};

/** Whether a TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function outage(stack: RunningStack, service: string) {
  await stack.stopService(service);
  await sleep(10_000);
  await stack.startService(service);
}

async function mockConfig(stack: RunningStack, patch: Record<string, number>) {
  await fetch(`${stack.info.upstreamUrl}/__mock/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
}

interface Customer {
  userId: number;
  key: string;
  limit: number | null;
}

async function seed(stack: RunningStack, count: number): Promise<Customer[]> {
  const admin = createAdminClient(stack.info);
  const limited = await admin.createPackage({ daily_request_limit: 40, duration_days: 1 });
  const open = await admin.createPackage({ duration_days: 1 });
  const customers: Customer[] = [];
  for (let i = 0; i < count; i += 1) {
    const user = await admin.createUser();
    const limit = i % 2 === 0 ? 40 : null;
    await admin.grant(user.id, limit ? limited.id : open.id);
    customers.push({ userId: user.id, key: (await admin.issueKey(user.id)).key, limit });
  }
  return customers;
}

interface Outcome {
  status: number;
  requestId: string | null;
  userId: number;
  at: number;
  ms: number;
  kind: 'chat' | 'usage';
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

export async function runDrill(args: string[]): Promise<number> {
  const name = args[0] ?? '';
  const drill = DRILLS[name];
  if (!drill) {
    console.error(`usage: npm run drill -- <${Object.keys(DRILLS).join('|')}>`);
    return 2;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `codex-gateway-drill-`));
  chmodSync(dir, 0o755);
  const stack = await startStack({
    dir,
    ports: await randomPorts(2),
    backends: 2,
    workers: 2,
    fresh: true,
    logLevel: 'warn',
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...drill.env },
  });
  console.log(`drill ${name}: ${drill.about}`);
  try {
    await drill.prepare?.(stack, dir);
    const customers = await seed(stack, 20);
    const outcomes: Outcome[] = [];
    const started = Date.now();
    let running = true;
    let inFlight = 0;
    const request = async (kind: 'chat' | 'usage') => {
      const c = customers[Math.floor(Math.random() * customers.length)]!;
      const t0 = Date.now();
      inFlight += 1;
      try {
        const res = await fetch(`${stack.info.gatewayUrl}/v1/${kind === 'chat' ? 'chat/completions' : 'usage'}`, {
          method: kind === 'chat' ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json' },
          body: kind === 'chat' ? JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'drill' }], max_tokens: 8 }) : undefined,
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        outcomes.push({ status: res.status, requestId: res.headers.get('x-request-id'), userId: c.userId, at: t0 - started, ms: Date.now() - t0, kind });
      } catch {
        outcomes.push({ status: 0, requestId: null, userId: c.userId, at: t0 - started, ms: Date.now() - t0, kind });
      } finally {
        inFlight -= 1;
      }
    };
    const run: DrillRun = { stack, started, inFlight: () => inFlight, outcomes };
    const loop = (kind: 'chat' | 'usage', pauseMs: number) =>
      (async () => {
        while (running) {
          await request(kind);
          if (pauseMs) await sleep(pauseMs);
        }
      })();
    // Steady load: 12 connections of chat (paced), 2 of usage look-ups.
    const load = [...Array.from({ length: CHAT_CONNECTIONS }, () => loop('chat', 20)), loop('usage', 50), loop('usage', 50)];
    await sleep(3000);
    const disruptedAt = Date.now() - started;
    await drill.disrupt(run);
    await sleep(5000);
    running = false;
    await Promise.all(load);
    return await report(drill, run, customers, disruptedAt);
  } finally {
    await drill.cleanup?.().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An instance's samples of one metric, by label values. */
async function samples(metricsUrl: string, name: string): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  return parsePrometheusText(await (await fetch(metricsUrl)).text()).filter((s) => s.name === name);
}

/**
 * The second channel cooled on every replica (few attempts reached it while its upstream
 * was dead), was tried half-open and restored within RESTORE_BOUND_MS, and served again.
 */
async function channelOutageChecks({ stack, started }: DrillRun, disruptedAt: number): Promise<Check[]> {
  const restoreMs = second.closedAt === undefined ? Infinity : second.closedAt - second.restartedAt!;
  const failedAttempts = await Promise.all(
    stack.info.backends.map(async (b) =>
      (await samples(b.metricsUrl, 'gateway_upstream_attempts_total'))
        .filter((s) => s.labels.channel === 'second' && s.labels.outcome !== 'ok')
        .reduce((sum, s) => sum + s.value, 0),
    ),
  );
  // Without a cluster-wide cool-down every worker would keep sending half its requests
  // there (hundreds in 10 s). With it: the failures that open it, one attempt per client
  // connection in flight meanwhile, and one failed trial per cool-down of the outage.
  const attemptBound = 3 + CHAT_CONNECTIONS + Math.ceil(10_000 / 3000) + 1;
  const db = new pg.Client({ connectionString: stack.info.postgres.primaryUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ period: string; channel: string; n: number }>(
      `SELECT CASE WHEN created_at < $1 THEN '1 before' WHEN created_at < $2 THEN '2 outage' ELSE '3 after' END AS period,
              coalesce(channel, '(none)') AS channel, count(*)::int AS n
         FROM usage_logs WHERE status_code = 200 GROUP BY 1, 2 ORDER BY 1, 2`,
      [new Date(started + disruptedAt), new Date(second.restartedAt!)],
    );
    console.log('\nrequests served, by channel:');
    for (const r of rows) console.log(`  ${r.period.slice(2).padEnd(8)} ${r.channel.padEnd(10)} ${r.n}`);
    const servedBySecond = (period: string) => rows.find((r) => r.period === period && r.channel === 'second')?.n ?? 0;
    return [
      ['the second channel took traffic before its outage', servedBySecond('1 before') > 0, `${servedBySecond('1 before')} served`],
      [
        'the dead channel cooled on every replica',
        failedAttempts.reduce((a, b) => a + b, 0) <= attemptBound,
        `failed attempts on it per instance: ${failedAttempts.join(', ')}; at most ${attemptBound} in all`,
      ],
      ['restored within the bound after its upstream came back', restoreMs <= RESTORE_BOUND_MS, `closed after ${restoreMs} ms ≤ ${RESTORE_BOUND_MS} ms`],
      ['the restored channel serves again', servedBySecond('3 after') > 0, `${servedBySecond('3 after')} served after`],
    ];
  } finally {
    await db.end();
  }
}

/** While the upstream took 5 s, chat waited that long (the drill's premise) and usage look-ups did not. */
function slowUpstreamChecks(outcomes: Outcome[], disruptedAt: number): Check[] {
  const during = (o: Outcome) => o.at >= slow.from! && o.at < slow.to!;
  // Sent at least a second before the upstream was fast again: they met the delay.
  const slowChats = outcomes.filter((o) => o.kind === 'chat' && o.status === 200 && during(o) && o.at < slow.to! - 1000).map((o) => o.ms);
  const lookups = (keep: (o: Outcome) => boolean) => outcomes.filter((o) => o.kind === 'usage' && o.status === 200 && keep(o)).map((o) => o.ms);
  const before = percentile(
    lookups((o) => o.at < disruptedAt),
    50,
  );
  const slowLookups = lookups(during);
  const median = percentile(slowLookups, 50);
  const medianBound = Math.max(LOOKUP_MEDIAN_FACTOR * before, before + LOOKUP_MEDIAN_FLOOR_MS);
  const worst = Math.max(...slowLookups);
  console.log(`usage look-ups while the upstream was slow: ${slowLookups.length}, p50 ${median} ms (before: ${before} ms), max ${worst} ms`);
  return [
    [
      'chat requests met the slow upstream',
      slowChats.length > 0 && Math.min(...slowChats) >= SLOW_UPSTREAM_MS - 10,
      `${slowChats.length} sent during it, the fastest took ${Math.min(...slowChats)} ms`,
    ],
    ['usage look-ups kept their median latency', slowLookups.length > 0 && median <= medianBound, `p50 ${median} ms ≤ ${medianBound} ms`],
    ['no usage look-up waited on the upstream', worst <= LOOKUP_MAX_MS, `max ${worst} ms ≤ ${LOOKUP_MAX_MS} ms`],
  ];
}

async function report(drill: Drill, run: DrillRun, customers: Customer[], disruptedAt: number): Promise<number> {
  const { stack, outcomes } = run;
  const byStatus = new Map<number, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  const errors = outcomes.filter((o) => o.status !== 200 && o.status !== 429);
  const lastError = Math.max(disruptedAt, ...errors.map((o) => o.at + o.ms));
  const usage = (from: number, to: number) => outcomes.filter((o) => o.kind === 'usage' && o.status === 200 && o.at >= from && o.at < to).map((o) => o.ms);
  console.log(
    `\nclient answers by status: ${[...byStatus]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s === 0 ? 'network error' : s}: ${n}`)
      .join(', ')}`,
  );
  console.log(
    `client errors (not 200/429): ${errors.length}; ${errors.length ? `last one ${((lastError - disruptedAt) / 1000).toFixed(1)} s after the disruption began` : 'none'}`,
  );
  console.log(`usage look-up p50 before / during+after: ${percentile(usage(0, disruptedAt), 50)} ms / ${percentile(usage(disruptedAt, Infinity), 50)} ms`);

  const ok = outcomes.filter((o) => o.kind === 'chat' && o.status === 200 && o.requestId);
  const ids = new Set(ok.map((o) => o.requestId!));
  const users = customers.map((c) => c.userId);
  const db = new pg.Client({ connectionString: stack.info.postgres.primaryUrl });
  await db.connect();
  const checks: Array<[string, boolean, string]> = [];
  try {
    // Usage may still be on its way through the stream: wait until every answer is booked.
    let rows: Array<{ request_id: string; status_code: number }> = [];
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      rows = (await db.query('SELECT request_id, status_code FROM usage_logs WHERE user_id = ANY($1)', [users])).rows;
      const seen = new Set(rows.map((r) => r.request_id));
      if ([...ids].every((id) => seen.has(id))) break;
      await sleep(500);
    }
    const booked = rows.filter((r) => r.status_code === 200);
    const missing = [...ids].filter((id) => !booked.some((r) => r.request_id === id));
    const extra = booked.length - ids.size + missing.length;
    // A request can be billed while its client saw an error (in flight on a killed instance), never otherwise.
    const failedChats = errors.filter((o) => o.kind === 'chat').length;
    checks.push(['every successful response has its usage_logs row', missing.length === 0, `${ids.size} successes, ${missing.length} missing`]);
    checks.push(['no usage row without a successful response or a failed one', extra <= failedChats, `${extra} extra ≤ ${failedChats} chat errors`]);
    const daily = (
      await db.query(
        `SELECT d.user_id, d.request_count::int AS requests, d.prompt_tokens::int + d.completion_tokens::int AS tokens,
                (SELECT count(*)::int FROM usage_logs l WHERE l.user_id = d.user_id AND l.status_code < 300) AS logged,
                (SELECT coalesce(sum(total_tokens), 0)::int FROM usage_logs l WHERE l.user_id = d.user_id) AS logged_tokens
           FROM daily_usage d WHERE d.user_id = ANY($1)`,
        [users],
      )
    ).rows as Array<{ user_id: number; requests: number; tokens: number; logged: number; logged_tokens: number }>;
    const mismatched = daily.filter((d) => d.requests !== d.logged || d.tokens !== d.logged_tokens);
    checks.push([
      'daily_usage agrees with usage_logs',
      mismatched.length === 0,
      mismatched.map((d) => `user ${d.user_id}: ${d.requests}/${d.logged} requests, ${d.tokens}/${d.logged_tokens} tokens`).join('; ') ||
        `${daily.length} users`,
    ]);
    const over = customers
      .filter((c) => c.limit !== null)
      .map((c) => ({ c, d: daily.find((d) => d.user_id === c.userId) }))
      .filter(({ c, d }) => (d?.requests ?? 0) > c.limit!);
    checks.push([
      'no quota overdraft',
      over.length === 0,
      over.map(({ c, d }) => `user ${c.userId}: ${d?.requests} > ${c.limit}`).join('; ') || 'every limited user within 40/day',
    ]);
    checks.push(drill.clientErrors?.(errors, run) ?? ['no client errors', errors.length === 0, `${errors.length}`]);
    // Every record has landed by now, so a drill's own checks may read the books too.
    checks.push(...((await drill.verify?.(run, disruptedAt)) ?? []));
  } finally {
    await db.end();
  }
  console.log('\nbooks:');
  for (const [what, pass, detail] of checks) console.log(`  ${pass ? 'PASS' : 'FAIL'}  ${what} (${detail})`);
  return checks.every(([, pass]) => pass) ? 0 : 1;
}
