#!/usr/bin/env node
// Turns artillery's JSON report of one tier into the markdown summary: what was measured,
// each threshold with pass/fail, and the guide's row for the tier beside this machine.
//
//   node summarize.mjs --tier 100 --report reports/100-….json [--out reports/100-….md]
//        [--stack ../.stack/stack.json] [--artillery-exit N] [--load-before "0.1 0.2 0.3"]
//
// Exit status: 0 when every threshold passed, 1 otherwise. Thresholds: tiers/<tier>.yml
// (config.capacity: p95_ms, p99_ms, max_failed_vusers_pct) plus the status-code rules,
// which are the same for every tier (STATUS_RULES below).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { args } from './args.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The original operations guide's sizing table, one row per tier. */
const GUIDE = {
  20: { users: '100', qps: '10–20', server: '2 cores / 4 GB' },
  100: { users: '1,000', qps: '50–100', server: '4 cores / 8 GB' },
  500: { users: '10,000', qps: '200–500', server: '8 cores / 16 GB' },
  '1k': { users: '100,000', qps: '1000+', server: 'several instances behind a load balancer' },
};
const GUIDE_CHAT = 'the guide expected 100–500 req/s at 50–200 ms for chat completions';

const STATUS_RULES = { min2xxRatio: 0.999, max5xx: 0, max429: 0, minAchievedRatio: 0.95 };
const KINDS = ['chat', 'chat-stream', 'responses', 'usage'];

const opt = args(process.argv.slice(2));
const tier = String(opt.tier ?? '20');
if (!opt.report) {
  console.error('usage: node summarize.mjs --tier <tier> --report <artillery.json> [--out <file.md>]');
  process.exit(2);
}
const reportFile = path.resolve(String(opt.report));
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const tierFile = path.join(here, 'tiers', `${tier}.yml`);
const tierConfig = (yaml.safeLoad ?? yaml.load)(readFileSync(tierFile, 'utf8')).config;
const cap = tierConfig.capacity;
const phases = tierConfig.phases ?? [];
const warmup = phases.find((p) => p.name === 'warm-up');
const sustained = phases.find((p) => p.name === 'sustained') ?? phases.at(-1);

const agg = report.aggregate ?? {};
const counters = agg.counters ?? {};
const summaries = agg.summaries ?? {};
const c = (name) => counters[name] ?? 0;
const rt = summaries['http.response_time'] ?? {};

// --- figures ---
const requests = c('http.requests');
const responses = c('http.responses');
const codes = Object.entries(counters)
  .filter(([k]) => /^http\.codes\.\d+$/.test(k))
  .map(([k, v]) => [Number(k.slice('http.codes.'.length)), v])
  .sort((a, b) => a[0] - b[0]);
const byClass = (lo, hi) => codes.filter(([code]) => code >= lo && code < hi).reduce((s, [, v]) => s + v, 0);
const n2xx = byClass(200, 300);
const n4xx = byClass(400, 500);
const n5xx = byClass(500, 600);
const n429 = c('http.codes.429');
const errors = Object.entries(counters)
  .filter(([k]) => k.startsWith('errors.'))
  .sort((a, b) => b[1] - a[1]);
const nErrors = errors.reduce((s, [, v]) => s + v, 0);
// Requests that got no response at all, and responses cut off after their headers (an
// error counted although a status code was: e.g. a stream reset mid-body).
const noResponse = Math.max(0, requests - responses);
const cutOff = Math.max(0, nErrors - noResponse);
const n2xxComplete = Math.max(0, n2xx - cutOff);
const vusersCreated = c('vusers.created');
const vusersFailed = c('vusers.failed');

const spanS = agg.firstMetricAt && agg.lastMetricAt ? (agg.lastMetricAt - agg.firstMetricAt) / 1000 : NaN;
const overallRps = requests / spanS;

// Sustained rate: the whole 10-s periods of the report that lie inside the sustained phase
// (it starts warm-up seconds after the first request).
const periods = (report.intermediate ?? [])
  .map((p) => ({ start: Number(p.period), requests: p.counters?.['http.requests'] ?? 0 }))
  .filter((p) => Number.isFinite(p.start))
  .sort((a, b) => a.start - b.start);
let sustainedRps = overallRps;
let sustainedWindow = 'whole run';
if (agg.firstMetricAt && sustained) {
  const from = agg.firstMetricAt + (warmup?.duration ?? 0) * 1000;
  const to = from + sustained.duration * 1000;
  const inside = periods
    .map((p, i) => ({ ...p, end: periods[i + 1]?.start ?? p.start + 10_000 }))
    .filter((p) => p.start >= from - 500 && p.end <= to + 500 && p.end - p.start <= 10_500);
  if (inside.length) {
    const seconds = inside.reduce((sum, p) => sum + (p.end - p.start) / 1000, 0);
    sustainedRps = inside.reduce((sum, p) => sum + p.requests, 0) / seconds;
    sustainedWindow = `${fmtInt(seconds)} s of the sustained phase (whole 10-s periods)`;
  }
}

function fmtInt(v) {
  return String(Math.round(v));
}

const perKind = KINDS.map((kind) => {
  const kindCodes = Object.entries(counters)
    .filter(([k]) => k.startsWith(`cg.${kind}.codes.`))
    .map(([k, v]) => [k.slice(`cg.${kind}.codes.`.length), v])
    .sort();
  const total = summaries[`cg.${kind}.total_ms`] ?? {};
  return {
    kind,
    count: c(`vusers.created_by_name.${kind}`),
    codes: kindCodes,
    total,
    badBody: c(`cg.${kind}.bad_body`),
  };
});
const streamsComplete = c('cg.chat-stream.complete');
const streamsIncomplete = c('cg.chat-stream.incomplete');
const badBodies = perKind.reduce((s, k) => s + k.badBody, 0);

// --- thresholds ---
const fmt = (v, digits = 1) => (Number.isFinite(v) ? Number(v).toFixed(digits).replace(/\.0+$/, '') : 'n/a');
const pct = (v) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)} %` : 'n/a');
const checks = [
  { name: `p95 response time < ${cap.p95_ms} ms`, value: `${fmt(rt.p95)} ms`, ok: rt.p95 < cap.p95_ms },
  { name: `p99 response time < ${cap.p99_ms} ms`, value: `${fmt(rt.p99)} ms`, ok: rt.p99 < cap.p99_ms },
  { name: 'no 5xx', value: String(n5xx), ok: n5xx <= STATUS_RULES.max5xx },
  { name: 'no 429 (the packages are unlimited)', value: String(n429), ok: n429 <= STATUS_RULES.max429 },
  {
    name: `complete 2xx ≥ ${pct(STATUS_RULES.min2xxRatio)} of requests`,
    value: `${n2xxComplete} / ${requests} = ${pct(n2xxComplete / requests)}`,
    ok: requests > 0 && n2xxComplete >= STATUS_RULES.min2xxRatio * requests,
  },
  {
    name: 'every 200 is whole: streams end with [DONE], bodies are the expected answer, none cut off',
    value: `${streamsIncomplete} streams without [DONE], ${badBodies} bad bodies, ${cutOff} cut off`,
    ok: streamsIncomplete === 0 && badBodies === 0 && cutOff === 0,
  },
  {
    name: `failed virtual users ≤ ${cap.max_failed_vusers_pct} %`,
    value: `${vusersFailed} / ${vusersCreated} = ${pct(vusersFailed / vusersCreated)}`,
    ok: vusersCreated > 0 && (vusersFailed / vusersCreated) * 100 <= cap.max_failed_vusers_pct,
  },
  {
    name: `sustained rate ≥ ${STATUS_RULES.minAchievedRatio * 100} % of ${cap.target_rps} req/s (load generator kept up)`,
    value: `${fmt(sustainedRps)} req/s`,
    ok: sustainedRps >= STATUS_RULES.minAchievedRatio * cap.target_rps,
  },
];
if (opt['artillery-exit'] !== undefined) {
  const rc = Number(opt['artillery-exit']);
  checks.push({ name: "artillery's own ensure checks (exit status)", value: String(rc), ok: rc === 0 });
}
const passed = checks.every((x) => x.ok);

// --- the machine and the stack ---
function sh(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}
const nproc = sh('nproc', []) || String(os.availableParallelism());
const memGiB = os.totalmem() / 1024 ** 3;
const cpuModel = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';

/** Processes whose parent is pid (from /proc). */
function childrenOf(pid) {
  const kids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}
/** The cluster workers of a backend: the deepest level of its node process tree. */
function workersOf(pid) {
  let level = [pid];
  for (let depth = 0; depth < 4; depth += 1) {
    const next = level.flatMap(childrenOf);
    if (!next.length) return depth === 0 ? undefined : level.length;
    level = next;
  }
  return level.length;
}
let stackShape = 'stack shape unknown';
const stackFile = opt.stack ? path.resolve(String(opt.stack)) : path.join(here, '..', '.stack', 'stack.json');
if (existsSync(stackFile)) {
  try {
    const stack = JSON.parse(readFileSync(stackFile, 'utf8'));
    const workers = stack.backends.map((b) => (process.platform === 'linux' ? workersOf(b.pid) : undefined));
    const w = workers.every((x) => x !== undefined) && new Set(workers).size === 1 ? String(workers[0]) : 'W';
    stackShape = `nginx → ${stack.backends.length} backends × ${w} workers, Postgres primary + replica, Redis, mock upstream`;
  } catch {
    // keep "unknown"
  }
}
const seedFile = path.resolve(here, tierConfig.payload.path).replace(/\.csv$/, '.json');
const seed = existsSync(seedFile) ? JSON.parse(readFileSync(seedFile, 'utf8')) : undefined;
const users = seed?.users ?? cap.users;
const artilleryVersion = (() => {
  try {
    return JSON.parse(readFileSync(path.join(here, 'node_modules', 'artillery', 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
})();

// --- markdown ---
const guide = GUIDE[tier];
const when = new Date(agg.firstMetricAt ?? Date.now()).toISOString().replace(/\.\d+Z$/, 'Z');
const codeList = codes.length ? codes.map(([code, v]) => `${code}: ${v}`).join(', ') : 'none';
const errorList = errors.length ? errors.map(([k, v]) => `${k.slice('errors.'.length)}: ${v}`).join(', ') : 'none';
const lines = [];
lines.push(`# Capacity test, tier ${tier}: ${passed ? 'PASS' : 'FAIL'}`);
lines.push('');
lines.push(
  `${when}, ${fmt(spanS, 0)} s: warm-up ${warmup?.duration ?? 0} s (${warmup?.arrivalRate ?? '-'}→${warmup?.rampTo ?? warmup?.arrivalRate ?? '-'} req/s), then ${sustained?.duration} s at ${sustained?.arrivalRate} req/s; ` +
    `${users} users with one key each${seed?.reused ? ' (reused from an earlier seeding)' : ''}; mix 60 % chat, 15 % streaming chat, 10 % responses, 15 % usage. ` +
    `Report: \`${path.basename(reportFile)}\`.`,
);
lines.push('');
lines.push('## Measured');
lines.push('');
lines.push(
  '| tier | target req/s | achieved req/s (sustained) | mean req/s (whole run) | requests | p50 ms | p95 ms | p99 ms | max ms | 2xx | 4xx | 5xx | errors |',
);
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
lines.push(
  `| ${tier} | ${cap.target_rps} | ${fmt(sustainedRps)} | ${fmt(overallRps)} | ${requests} | ${fmt(rt.p50)} | ${fmt(rt.p95)} | ${fmt(rt.p99)} | ${fmt(rt.max)} | ${n2xx} | ${n4xx} | ${n5xx} | ${nErrors} |`,
);
lines.push('');
lines.push(
  `Status codes: ${codeList}. Errors: ${errorList} (${noResponse} requests without a response, ${cutOff} responses cut off after the headers). ` +
    `Virtual users failed: ${vusersFailed} of ${vusersCreated}. Achieved rate over ${sustainedWindow}.`,
);
lines.push('');
lines.push(
  "Latencies are artillery's `http.response_time` (time to the first byte, whole run including the warm-up); the table below adds the time to the last byte per call, which for streams includes the whole SSE body.",
);
lines.push('');
lines.push('| call | requests | share | status codes (whole responses) | p50 ms | p95 ms | p99 ms | max ms (to last byte) |');
lines.push('|---|---:|---:|---|---:|---:|---:|---:|');
const kindTotal = vusersCreated;
for (const k of perKind) {
  const kc = k.codes.length ? k.codes.map(([code, v]) => `${code}: ${v}`).join(', ') : '-';
  lines.push(
    `| ${k.kind} | ${k.count} | ${kindTotal ? `${((k.count / kindTotal) * 100).toFixed(0)} %` : '-'} | ${kc} | ${fmt(k.total.p50)} | ${fmt(k.total.p95)} | ${fmt(k.total.p99)} | ${fmt(k.total.max)} |`,
  );
}
lines.push('');
lines.push(
  `Streams: ${streamsComplete} complete, ${streamsIncomplete} without \`[DONE]\`. Chat completions (non-streaming): p50 ${fmt(perKind[0].total.p50)} ms, p99 ${fmt(perKind[0].total.p99)} ms at ${fmt(sustainedRps)} req/s in all (${GUIDE_CHAT}).`,
);
lines.push('');
lines.push('## Thresholds');
lines.push('');
lines.push('| check | measured | result |');
lines.push('|---|---|---|');
for (const x of checks) lines.push(`| ${x.name} | ${x.value} | ${x.ok ? 'pass' : '**FAIL**'} |`);
lines.push('');
lines.push("## Beside the guide's sizing table");
lines.push('');
lines.push('| | users | requests/s | server |');
lines.push('|---|---:|---:|---|');
if (guide) lines.push(`| guide, tier ${tier} | ${guide.users} | ${guide.qps} | ${guide.server} |`);
lines.push(
  `| this run | ${users} | ${fmt(sustainedRps)} sustained (target ${cap.target_rps}), p99 ${fmt(rt.p99)} ms | ${nproc} CPUs (\`nproc\`), ${fmt(memGiB)} GiB, one machine shared by the stack and artillery |`,
);
lines.push('');
lines.push(
  `Machine: ${cpuModel}, ${nproc} CPUs, ${fmt(memGiB)} GiB memory, ${os.type()} ${os.release()}, load average before the run ${opt['load-before'] || 'n/a'}. ` +
    `Stack: ${stackShape}. Load generator: artillery ${artilleryVersion} on the same machine, Node ${process.versions.node}.`,
);
lines.push('');
const markdown = `${lines.join('\n')}\n`;
if (opt.out) writeFileSync(path.resolve(String(opt.out)), markdown);
else process.stdout.write(markdown);
process.exit(passed ? 0 : 1);
