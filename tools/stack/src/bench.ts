import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { randomPorts, readStackEnv, workersPerBackend } from './config.js';
import { createAdminClient } from './admin-client.js';
import { startStack } from './stack.js';
import { benchAb } from './bench-ab.js';
import { benchCpu } from './bench-cpu.js';
import { benchStreams } from './bench-streams.js';
import { benchConsoleLoad } from './console-load.js';
import { benchUsageSearch } from './bench-usage-search.js';

interface Row {
  target: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
}

const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, how are you today?' }], max_tokens: 16 });

async function measure(target: string, url: string, key: string | undefined, seconds: number, connections: number): Promise<Row> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: BODY,
  });
  return {
    target,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * `npm run bench [--rate 400] [--rounds 5] [--seconds 4] [--only chat | --all]`: CPU time per
 * request at a fixed rate (400 and 1,000 req/s without --rate) for chat, streamed chat and
 * responses (every API with --all), against a bare relay in alternating slices, with req/s
 * and the latency added over the upstream (see bench-cpu.ts).
 * `npm run bench -- ab <other checkout>`: this checkout's backend against another's, in alternating slices (see bench-ab.ts).
 * `npm run bench -- throughput`: on one private cluster and the same mock upstream,
 * non-streaming chat at C connections against the upstream directly, one backend
 * directly, and the whole cluster through nginx; prints requests/s, p50, p99 and the ratios.
 * `npm run bench -- --streams 5000`: N concurrent streams instead (see bench-streams.ts).
 * `npm run bench -- usage-search`: the admin usage search on 5 million usage_logs rows (see bench-usage-search.ts).
 */
export async function runBench(args: string[]): Promise<number> {
  if (args[0] === 'console') return benchConsoleLoad();
  if (args[0] === 'usage-search') return benchUsageSearch(args.slice(1));
  const seconds = Number(argValue(args, '--seconds') ?? 10);
  const connections = Number(argValue(args, '--connections') ?? 50);
  const workers = workersPerBackend(readStackEnv({ ...process.env, BACKENDS: '2' }));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-gateway-bench-'));
  chmodSync(dir, 0o755);
  const stack = await startStack({
    dir,
    ports: await randomPorts(2),
    backends: 2,
    workers,
    fresh: true,
    logLevel: 'warn',
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
  });
  try {
    // A customer as one is sold: daily limits (far above what the bench sends), so that every limit is checked.
    const { key } = await createAdminClient(stack.info).customer({ daily_request_limit: 1_000_000, daily_token_limit: 1_000_000_000 });
    const streams = argValue(args, '--streams');
    if (streams) return (await benchStreams(stack.info, key, Number(streams), Number(argValue(args, '--stream-seconds') ?? 10))) ? 0 : 1;
    if (args[0] === 'ab')
      return await benchAb(stack, key, {
        other: args[1] ?? '',
        dir,
        only: argValue(args, '--only') ?? 'chat',
        rate: Number(argValue(args, '--rate') ?? 300),
        rounds: Number(argValue(args, '--rounds') ?? 12),
        slice: Number(argValue(args, '--slice') ?? 3),
      });
    if (args[0] !== 'throughput') {
      const rate = argValue(args, '--rate');
      return await benchCpu(stack, key, {
        rates: rate ? [Number(rate)] : [400, 1000],
        seconds: Number(argValue(args, '--seconds') ?? 4),
        rounds: Number(argValue(args, '--rounds') ?? 5),
        dir,
        only: argValue(args, '--only'),
        all: args.includes('--all'),
      });
    }
    const url = (base: string) => `${base}/v1/chat/completions`;
    // A short warm-up so JIT and connection pools are in steady state.
    await measure('warm-up', url(stack.info.gatewayUrl), key, 2, connections);
    const rows = [
      await measure('mock upstream directly', url(stack.info.upstreamUrl), undefined, seconds, connections),
      await measure('one backend directly', url(stack.info.backends[0]!.url), key, seconds, connections),
      await measure('cluster through nginx', url(stack.info.gatewayUrl), key, seconds, connections),
    ];
    const base = rows[0]!;
    console.log(
      `\nnon-streaming chat, ${connections} connections, ${seconds} s each, ${os.availableParallelism()} CPUs, ${stack.info.backends.length} backends × ${workers} workers\n`,
    );
    console.log('| target | req/s | p50 ms | p99 ms | 2xx | errors | req/s vs upstream |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.target} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.errors} | ${(r.rps / base.rps).toFixed(2)} |`);
    return rows.some((r) => r.errors > 0) ? 1 : 0;
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
