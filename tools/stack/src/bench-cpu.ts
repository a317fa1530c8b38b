import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentWav } from './audio-fixture.js';
import { cpuDuring } from './cpu-meter.js';
import { type FixedRateRun, fixedRate } from './fixed-rate.js';
import { freePort } from './ports.js';
import { httpOk, startService, waitFor } from './process.js';
import type { RunningStack } from './stack.js';

const BARE_RELAY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bare-relay.ts');

/** Two seconds of silence as a WAV upload (every byte ASCII: the load sends text). */
function transcriptionUpload(): { body: string; contentType: string } {
  const boundary = 'bench-boundary-7f3a';
  const file = silentWav(2).toString('latin1');
  const body = [
    `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n${file}\r\n`,
    `--${boundary}--\r\n`,
  ].join('');
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

interface Scenario {
  name: string;
  path: string;
  body: object | { raw: string; contentType: string };
  headers?: Record<string, string>;
}

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
const upload = transcriptionUpload();

/** What each bench sends: its name (for --only), path, body and headers beside the key. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'chat',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, how are you today?' }], max_tokens: 16 },
  },
  {
    name: 'chat, streamed',
    path: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, how are you today?' }], max_tokens: 16, stream: true },
  },
  { name: 'responses', path: '/v1/responses', body: { model: 'gpt-5-codex', input: 'Hello, how are you today?', max_output_tokens: 16 } },
  {
    name: 'messages',
    path: '/v1/messages',
    headers: ANTHROPIC,
    body: { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hello, how are you today?' }] },
  },
  {
    name: 'messages, streamed',
    path: '/v1/messages',
    headers: ANTHROPIC,
    body: { model: 'claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hello, how are you today?' }], stream: true },
  },
  { name: 'embeddings', path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: 'Hello, how are you today?', dimensions: 256 } },
  { name: 'images', path: '/v1/images/generations', body: { model: 'dall-e-2', prompt: 'A lighthouse at dawn', size: '256x256', response_format: 'b64_json' } },
  { name: 'speech', path: '/v1/audio/speech', body: { model: 'tts-1', voice: 'alloy', input: 'Hello there.', response_format: 'mp3' } },
  { name: 'transcription', path: '/v1/audio/transcriptions', body: { raw: upload.body, contentType: upload.contentType } },
];

export function load(url: string, key: string | undefined, s: Pick<Scenario, 'body' | 'headers'>, rate: number, seconds: number): Promise<FixedRateRun> {
  const raw = 'raw' in s.body ? (s.body as { raw: string; contentType: string }) : undefined;
  return fixedRate({
    url,
    headers: { 'content-type': raw?.contentType ?? 'application/json', ...s.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: raw ? raw.raw : JSON.stringify(s.body),
    rate,
    seconds,
  });
}

const WARM_UP_SECONDS = 6;
/** The scenarios the ratio to the bare relay is judged on (issue 27); `--all` measures every API. */
const HEADLINE = ['chat', 'chat, streamed', 'responses'];

const perRequest = (micros: number, requests: number) => (requests > 0 ? Math.round(micros / requests) : NaN);
/** The median of a non-empty list (the mean of the middle two for an even count). */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface CpuBenchArgs {
  rates: number[];
  /** Seconds per slice; each target is measured `rounds` times, the two alternating. */
  seconds: number;
  rounds: number;
  dir: string;
  only?: string;
  all?: boolean;
}

/**
 * `npm run bench [--rate 400] [--rounds 5] [--seconds 4] [--only chat | --all]`: CPU time per
 * request, at a fixed rate (not a saturating load), of the gateway's backends (every instance's
 * whole process tree: cluster primary, workers, usage flusher) against a bare relay
 * (bare-relay.ts), in alternating slices of a few seconds, so that what slows this machine
 * down for a while falls on both alike; the figure is the median of the slices' ratios. Also
 * nginx, Redis, Postgres and the mock upstream per request, and the latency the gateway adds
 * over the upstream (open loop). Without --rate: 400 and 1,000 req/s. Without --only or
 * --all: chat, streamed chat and responses.
 */
export async function benchCpu(stack: RunningStack, key: string, args: CpuBenchArgs): Promise<number> {
  const pids = (prefix: string) => stack.services.filter((s) => s.name.startsWith(prefix)).map((s) => s.pid);
  const groups = { backends: pids('backend-'), nginx: pids('nginx'), redis: pids('redis'), postgres: pids('postgres-'), upstream: pids('mock-upstream') };
  const port = await freePort();
  const bare = startService('bare-relay', process.execPath, ['--import', 'tsx', BARE_RELAY], {
    logFile: path.join(args.dir, 'bare-relay.log'),
    env: { ...process.env, PORT: String(port), UPSTREAM_URL: stack.info.upstreamUrl, REDIS_URL: stack.info.redisUrl },
  });
  const bareUrl = `http://127.0.0.1:${port}`;
  await waitFor('the bare relay', () => httpOk(`${bareUrl}/healthz`), 20_000, 200);
  const scenarios = SCENARIOS.filter((s) => (args.only ? s.name === args.only : args.all || HEADLINE.includes(s.name)));
  if (scenarios.length === 0) throw new Error(`--only takes one of ${SCENARIOS.map((s) => `"${s.name}"`).join(', ')}`);
  let failed = false;
  try {
    // What the processes burn with no request at all (timers, heartbeats, the flusher's polls).
    const idle = await cpuDuring(groups, () => new Promise((resolve) => setTimeout(resolve, 5000)));
    const perSecond = (g: string) => Math.round((idle.micros[g] ?? 0) / 5000);
    console.log(
      `\nIdle, ms of CPU per second: backends ${perSecond('backends')}, nginx ${perSecond('nginx')}, redis ${perSecond('redis')}, postgres ${perSecond('postgres')}`,
    );
    const summary: string[] = [];
    for (const rate of args.rates) {
      console.log(
        `\nCPU per request at ${rate} req/s, ${args.rounds} slices of ${args.seconds} s per target, alternating (µs of CPU time per 2xx answer; user + system; medians of the slices)\n`,
      );
      console.log(
        '| scenario | req/s | errors | gateway p50 / p99 ms | upstream p50 / p99 ms | backends µs | bare relay µs | ratio (range) | nginx µs | redis µs | postgres µs | upstream µs |',
      );
      console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const s of scenarios) {
        const gatewayUrl = `${stack.info.gatewayUrl}${s.path}`;
        const direct = await load(`${stack.info.upstreamUrl}${s.path}`, undefined, s, rate, args.seconds);
        // Each target warms up (JIT, pools, leases) before it is measured: the figure is its steady state.
        await load(gatewayUrl, key, s, rate, WARM_UP_SECONDS);
        await load(`${bareUrl}${s.path}`, key, s, rate, WARM_UP_SECONDS);
        const slices: Array<{ gateway: Record<string, number>; bare: number; rps: number; p50: number; p99: number }> = [];
        let errors = 0;
        for (let round = 0; round < args.rounds; round++) {
          // Which goes first alternates too: neither always follows the other.
          const runGateway = () => cpuDuring(groups, () => load(gatewayUrl, key, s, rate, args.seconds));
          const runBare = () => cpuDuring({ bare: [bare.pid] }, () => load(`${bareUrl}${s.path}`, key, s, rate, args.seconds));
          const [g, r] = round % 2 ? [await runGateway(), await runBare()] : await runBare().then(async (r) => [await runGateway(), r] as const);
          errors += g.result.errors + r.result.errors;
          const per = Object.fromEntries(Object.entries(g.micros).map(([group, micros]) => [group, perRequest(micros, g.result.ok)]));
          slices.push({ gateway: per, bare: perRequest(r.micros.bare!, r.result.ok), rps: g.result.rps, p50: g.result.p50, p99: g.result.p99 });
        }
        if (errors > 0) failed = true;
        const m = (pick: (x: (typeof slices)[number]) => number) => Math.round(median(slices.map(pick)));
        const ratios = slices.map((x) => x.gateway.backends! / x.bare);
        const ratio = median(ratios);
        const ms = (v: number) => Math.round(v * 10) / 10;
        const [p50, p99] = [ms(median(slices.map((x) => x.p50))), ms(median(slices.map((x) => x.p99)))];
        console.log(
          `| ${s.name} | ${m((x) => x.rps)} | ${errors} | ${p50} / ${p99} | ${direct.p50} / ${direct.p99} | ${m((x) => x.gateway.backends!)} | ${m((x) => x.bare)} | **${ratio.toFixed(2)}** (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${m((x) => x.gateway.nginx!)} | ${m((x) => x.gateway.redis!)} | ${m((x) => x.gateway.postgres!)} | ${m((x) => x.gateway.upstream!)} |`,
        );
        summary.push(
          `${s.name} at ${rate} req/s: backends ${m((x) => x.gateway.backends!)} µs/request, bare relay ${m((x) => x.bare)} µs, ratio ${ratio.toFixed(2)}×; latency added over the upstream p50 ${(p50 - direct.p50).toFixed(1)} ms, p99 ${(p99 - direct.p99).toFixed(1)} ms`,
        );
      }
    }
    console.log(`\n${summary.join('\n')}`);
  } finally {
    await bare.stop();
  }
  return failed ? 1 : 0;
}
