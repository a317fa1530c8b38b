import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { type Check, checkBooks, printChecks } from './drill-books.js';
import { addSecondChannel, FAST_CHANNEL_HEALTH, killBackend, mockConfig, ready, type SecondChannel, startDrillStack } from './drill-faults.js';
import { type Customer, type LoadKind, type Outcome, percentile, seed, send } from './drill-load.js';
import { runSoak, SOAK_USAGE } from './soak.js';
import type { RunningStack } from './stack.js';
import { parsePrometheusText } from './testing.js';

/**
 * `npm run drill -- <name>`: a failure under steady load on a private cluster, then the
 * drill's own promise, checked against explicit bounds, and the books: every successful
 * response has its usage row, daily_usage agrees with usage_logs, and no user went past a
 * daily limit. Any check that fails makes the drill exit non-zero.
 */
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
  /** What the metered connections send, in turn (default: chat). */
  load?: LoadKind[];
}

/** channel-outage's second channel: a mock upstream of its own, added through the admin API. */
const second: { channel?: SecondChannel; restartedAt?: number; closedAt?: number } = {};
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

const killBackendDrill: Drill = {
  about: 'SIGKILL one backend instance (primary and workers); nginx routes around it; the stack restarts it',
  disrupt: async ({ stack, started, inFlight }) => {
    kill.inFlight = inFlight();
    kill.at = Date.now() - started;
    await killBackend(stack, 0);
    kill.goneAt = Date.now() - started;
    await sleep(10_000);
    const back = await ready(stack.info.backends[0]!);
    console.log(`backend-1 restarted by the stack and ready again: ${back ? 'yes' : 'NO'}`);
    if (!back) throw new Error('backend-1 did not come back');
  },
  // Only requests the instance may have held when it died may fail: those unanswered at
  // the kill and those sent until it refused connections and its last process was gone,
  // none sent later.
  clientErrors: (errors, run) => {
    const sentWhileDying = run.outcomes.filter((o) => o.at >= kill.at! && o.at < kill.goneAt!).length;
    const bound = kill.inFlight! + sentWhileDying;
    const late = errors.filter((o) => o.at >= kill.goneAt!);
    return [
      'client errors only among the requests the killed instance may have held',
      late.length === 0 && errors.length <= bound,
      `${errors.length} failed ≤ ${bound} (${kill.inFlight} in flight at the kill, ${sentWhileDying} sent in the ${kill.goneAt! - kill.at!} ms until it refused connections and was gone); ${late.length} sent later failed`,
    ];
  },
};

const DRILLS: Record<string, Drill> = {
  'kill-backend': killBackendDrill,
  'mixed-apis': {
    ...killBackendDrill,
    about: 'every API at once (chat, Anthropic messages plain and streamed, embeddings, images, speech, transcriptions); SIGKILL one backend instance',
    load: ['chat', 'messages', 'messages-stream', 'embeddings', 'images', 'speech', 'transcription', 'responses-stream'],
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
    env: FAST_CHANNEL_HEALTH,
    prepare: async (stack, dir) => {
      second.channel = await addSecondChannel(stack.info, dir);
    },
    disrupt: async () => {
      const channel = second.channel!;
      channel.kill();
      await sleep(10_000);
      await channel.restart();
      second.restartedAt = Date.now();
      // Back in use once a trial (a request or a probe) passes after the cool-down.
      for (const deadline = Date.now() + 2 * RESTORE_BOUND_MS; Date.now() < deadline; await sleep(100)) {
        if (await channel.closed()) {
          second.closedAt = Date.now();
          break;
        }
      }
    },
    verify: (run, disruptedAt) => channelOutageChecks(run, disruptedAt),
    cleanup: async () => {
      await second.channel?.stop();
    },
  },
  'slow-upstream': {
    about: 'the upstream answers after 5 s for 8 s: nothing blocks, usage look-ups keep their latency',
    disrupt: async ({ stack, started }) => {
      await mockConfig(stack.info.upstreamUrl, { latencyMs: SLOW_UPSTREAM_MS });
      slow.from = Date.now() - started;
      await sleep(8000);
      await mockConfig(stack.info.upstreamUrl, { latencyMs: 0 });
      slow.to = Date.now() - started;
    },
    verify: async ({ outcomes }, disruptedAt) => slowUpstreamChecks(outcomes, disruptedAt),
  },
};

async function outage(stack: RunningStack, service: string) {
  await stack.stopService(service);
  await sleep(10_000);
  await stack.startService(service);
}

export async function runDrill(args: string[]): Promise<number> {
  const name = args[0] ?? '';
  const drill = DRILLS[name];
  if (name === 'soak') return runSoak(args.slice(1));
  if (!drill) {
    console.error(`usage: npm run drill -- <${Object.keys(DRILLS).join('|')}>\n       ${SOAK_USAGE}`);
    return 2;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), `codex-gateway-drill-`));
  chmodSync(dir, 0o755);
  const stack = await startDrillStack(dir, drill.env);
  console.log(`drill ${name}: ${drill.about}`);
  try {
    await drill.prepare?.(stack, dir);
    // Half of them limited to 40 requests a day.
    const customers = await seed(
      stack.info,
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 40 : null)),
    );
    const outcomes: Outcome[] = [];
    const started = Date.now();
    let running = true;
    let inFlight = 0;
    const request = async (kind: LoadKind) => {
      const c = customers[Math.floor(Math.random() * customers.length)]!;
      inFlight += 1;
      try {
        outcomes.push(await send(stack.info.gatewayUrl, c, kind, started));
      } finally {
        inFlight -= 1;
      }
    };
    const run: DrillRun = { stack, started, inFlight: () => inFlight, outcomes };
    const loop = (kind: LoadKind, pauseMs: number) =>
      (async () => {
        while (running) {
          await request(kind);
          if (pauseMs) await sleep(pauseMs);
        }
      })();
    // Steady load: 12 connections of chat (paced), 2 of usage look-ups.
    const kinds = drill.load ?? ['chat'];
    const load = [...Array.from({ length: CHAT_CONNECTIONS }, (_, i) => loop(kinds[i % kinds.length]!, 20)), loop('usage', 50), loop('usage', 50)];
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
  const kinds = [...new Set(outcomes.map((o) => o.kind))];
  if (kinds.length > 2) {
    const tally = (k: string) => outcomes.filter((o) => o.kind === k);
    console.log(`answered 200 of sent, by API: ${kinds.map((k) => `${k} ${tally(k).filter((o) => o.status === 200).length}/${tally(k).length}`).join(', ')}`);
  }
  console.log(
    `client errors (not 200/429): ${errors.length}; ${errors.length ? `last one ${((lastError - disruptedAt) / 1000).toFixed(1)} s after the disruption began` : 'none'}`,
  );
  console.log(`usage look-up p50 before / during+after: ${percentile(usage(0, disruptedAt), 50)} ms / ${percentile(usage(disruptedAt, Infinity), 50)} ms`);

  const checks = await checkBooks(stack.info.postgres.primaryUrl, outcomes, customers);
  checks.push(drill.clientErrors?.(errors, run) ?? ['no client errors', errors.length === 0, `${errors.length}`]);
  // Every record has landed by now, so a drill's own checks may read the books too.
  checks.push(...((await drill.verify?.(run, disruptedAt)) ?? []));
  return printChecks('books', checks) ? 0 : 1;
}
