import { readFileSync } from 'node:fs';
import type { StackInfo } from './stack.js';

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

export { startRedis } from './services/redis.js';
export { freePort } from './ports.js';
export { waitFor } from './process.js';

/** A GET on a new connection each time, so node:cluster hands it to the next worker. */
export async function getOnNewConnection(url: string): Promise<{ status: number; body: string; headers: import('node:http').IncomingHttpHeaders }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
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

/** The secrets the test stack was started with (the key pepper, to issue keys of its own). */
export function testSecrets(): import('./secrets.js').StackSecrets {
  return JSON.parse(readFileSync(`${testDir()}/secrets.json`, 'utf8'));
}
