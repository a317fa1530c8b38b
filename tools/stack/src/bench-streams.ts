import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { StackInfo } from './stack.js';

const COMPLETION_TOKENS = 16;

/** Resident memory of a backend instance: its cluster primary and every worker (its process group). */
function groupRssMb(pgid: number): number {
  try {
    const out = execFileSync('ps', ['-o', 'rss=', '-g', String(pgid)], { encoding: 'utf8' });
    return (
      out
        .split('\n')
        .filter(Boolean)
        .reduce((sum, kb) => sum + Number(kb), 0) / 1024
    );
  } catch {
    return NaN;
  }
}

/**
 * Proportional memory of the same processes (smaps Pss): pages shared with other processes
 * (the node binary, about 50 MB, is mapped by the primary and by every worker) count once
 * across them, where the resident sizes above count them in each process.
 */
function groupPssMb(pgid: number): number {
  try {
    const pids = execFileSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    let kb = 0;
    for (const pid of pids) kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid.trim()}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** One stream to its end: ok only with status 200 and the closing [DONE]. */
function stream(gatewayUrl: string, key: string, agent: http.Agent): Promise<'ok' | string> {
  const url = new URL(`${gatewayUrl}/v1/chat/completions`);
  const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, max_tokens: COMPLETION_TOKENS, messages: [{ role: 'user', content: 'hold this stream' }] });
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let tail = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (tail = (tail + d).slice(-64)));
        res.on('end', () => resolve(res.statusCode !== 200 ? `http ${res.statusCode}` : tail.includes('[DONE]') ? 'ok' : 'cut off'));
        res.on('error', (err) => resolve(err.message));
      },
    );
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

/**
 * N concurrent SSE streams through nginx, each held open about `seconds` by the mock
 * upstream's pace; prints errors by kind and each backend's peak resident memory.
 */
export async function benchStreams(info: StackInfo, key: string, count: number, seconds: number): Promise<boolean> {
  await fetch(`${info.upstreamUrl}/__mock/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ chunkDelayMs: Math.round((seconds * 1000) / (COMPLETION_TOKENS + 2)) }),
  });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const peaks = info.backends.map(() => 0);
  const pssPeaks = info.backends.map(() => 0);
  const sampler = setInterval(() => {
    for (const [i, b] of info.backends.entries()) {
      peaks[i] = Math.max(peaks[i]!, groupRssMb(b.pid));
      pssPeaks[i] = Math.max(pssPeaks[i]!, groupPssMb(b.pid));
    }
  }, 250);
  const started = Date.now();
  const results: Array<Promise<string>> = [];
  try {
    // Opened over about a second, as clients would arrive, not in one tick.
    for (let i = 0; i < count; i += 1) {
      results.push(stream(info.gatewayUrl, key, agent));
      if (i % 250 === 249) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const outcomes = await Promise.all(results);
    const errors = new Map<string, number>();
    for (const o of outcomes) if (o !== 'ok') errors.set(o, (errors.get(o) ?? 0) + 1);
    const failed = [...errors.values()].reduce((a, b) => a + b, 0);
    console.log(
      `\n${count} concurrent streams through nginx, ~${seconds} s each: ${count - failed} complete, ${failed} errors${failed ? ` (${[...errors].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}, all done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`peak resident memory per backend (primary + workers): ${peaks.map((mb, i) => `backend-${i + 1} ${mb.toFixed(0)} MB`).join(', ')}`);
    console.log(`peak proportional memory (Pss) per backend: ${pssPeaks.map((mb, i) => `backend-${i + 1} ${mb.toFixed(0)} MB`).join(', ')}`);
    return failed === 0;
  } finally {
    clearInterval(sampler);
    agent.destroy();
    await fetch(`${info.upstreamUrl}/__mock/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chunkDelayMs: 0 }),
    });
  }
}
