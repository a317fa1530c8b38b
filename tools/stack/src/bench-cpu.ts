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

const WARM_UP_SECONDS = 8;

const perRequest = (micros: number, requests: number) => (requests > 0 ? Math.round(micros / requests) : NaN);

/**
 * `npm run bench [--rate 400] [--seconds 10] [--only chat]`: CPU time per request, at a fixed
 * rate (not a saturating load), of each backend instance's whole process tree (cluster
 * primary, workers, usage flusher), and apart of nginx, Redis, Postgres and the mock
 * upstream; beside it the same for a bare relay (bare-relay.ts), and the ratio. Also the
 * latency the gateway adds over the upstream at that rate.
 */
export async function benchCpu(stack: RunningStack, key: string, args: { rate: number; seconds: number; dir: string; only?: string }): Promise<number> {
  const pids = (prefix: string) => stack.services.filter((s) => s.name.startsWith(prefix)).map((s) => s.pid);
  const groups = { backends: pids('backend-'), nginx: pids('nginx'), redis: pids('redis'), postgres: pids('postgres-'), upstream: pids('mock-upstream') };
  const port = await freePort();
  const bare = startService('bare-relay', process.execPath, ['--import', 'tsx', BARE_RELAY], {
    logFile: path.join(args.dir, 'bare-relay.log'),
    env: { ...process.env, PORT: String(port), UPSTREAM_URL: stack.info.upstreamUrl, REDIS_URL: stack.info.redisUrl },
  });
  const bareUrl = `http://127.0.0.1:${port}`;
  await waitFor('the bare relay', () => httpOk(`${bareUrl}/healthz`), 20_000, 200);
  let failed = false;
  try {
    // What the processes burn with no request at all (timers, heartbeats, the flusher's polls).
    const idle = await cpuDuring(groups, () => new Promise((resolve) => setTimeout(resolve, 5000)));
    const perSecond = (g: string) => Math.round((idle.micros[g] ?? 0) / 5000);
    console.log(
      `\nIdle, ms of CPU per second: backends ${perSecond('backends')}, nginx ${perSecond('nginx')}, redis ${perSecond('redis')}, postgres ${perSecond('postgres')}`,
    );
    console.log(`\nCPU per request at ${args.rate} req/s for ${args.seconds} s (µs of CPU time per 2xx answer; user + system)\n`);
    console.log('| scenario | target | req/s | p50 ms | p99 ms | errors | backends µs | nginx µs | redis µs | postgres µs | upstream µs |');
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    const summary: string[] = [];
    for (const s of SCENARIOS.filter((s) => !args.only || s.name === args.only)) {
      const direct = await load(`${stack.info.upstreamUrl}${s.path}`, undefined, s, args.rate, args.seconds);
      // Each target warms up (JIT, pools) right before it is measured: a server that has
      // run for a while does not compile any more, and the figure is its steady state.
      await load(`${stack.info.gatewayUrl}${s.path}`, key, s, args.rate, WARM_UP_SECONDS);
      const gateway = await cpuDuring(groups, () => load(`${stack.info.gatewayUrl}${s.path}`, key, s, args.rate, args.seconds));
      await load(`${bareUrl}${s.path}`, key, s, args.rate, WARM_UP_SECONDS);
      const reference = await cpuDuring({ bare: [bare.pid], redis: groups.redis, upstream: groups.upstream }, () =>
        load(`${bareUrl}${s.path}`, key, s, args.rate, args.seconds),
      );
      const g = gateway.result;
      const r = reference.result;
      const per = (micros: Record<string, number>, group: string, n: number) => perRequest(micros[group] ?? NaN, n);
      console.log(`| ${s.name} | upstream directly | ${direct.rps} | ${direct.p50} | ${direct.p99} | ${direct.errors} | | | | | |`);
      console.log(
        `| ${s.name} | cluster through nginx | ${g.rps} | ${g.p50} | ${g.p99} | ${g.errors} | ${per(gateway.micros, 'backends', g.ok)} | ${per(gateway.micros, 'nginx', g.ok)} | ${per(gateway.micros, 'redis', g.ok)} | ${per(gateway.micros, 'postgres', g.ok)} | ${per(gateway.micros, 'upstream', g.ok)} |`,
      );
      console.log(
        `| ${s.name} | bare relay | ${r.rps} | ${r.p50} | ${r.p99} | ${r.errors} | ${per(reference.micros, 'bare', r.ok)} | | ${per(reference.micros, 'redis', r.ok)} | | ${per(reference.micros, 'upstream', r.ok)} |`,
      );
      const ratio = per(gateway.micros, 'backends', g.ok) / per(reference.micros, 'bare', r.ok);
      summary.push(
        `${s.name}: backends ${per(gateway.micros, 'backends', g.ok)} µs/request, bare relay ${per(reference.micros, 'bare', r.ok)} µs (${ratio.toFixed(2)}×); latency added over the upstream p50 ${(g.p50 - direct.p50).toFixed(1)} ms, p99 ${(g.p99 - direct.p99).toFixed(1)} ms`,
      );
      if (g.errors > 0 || r.errors > 0) failed = true;
    }
    console.log(`\n${summary.join('\n')}`);
  } finally {
    await bare.stop();
  }
  return failed ? 1 : 0;
}
