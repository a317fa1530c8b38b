/**
 * CLI entry: runs the mock upstream as a standalone process (dev stack, compose).
 *
 * Environment:
 *   MOCK_UPSTREAM_PORT   port to listen on (default 12399; 0 picks a free port)
 *   MOCK_UPSTREAM_HOST   interface to bind (default 127.0.0.1)
 *   MOCK_LATENCY_MS      delay before the first byte of every /v1 answer (default 0)
 *   MOCK_CHUNK_DELAY_MS  delay between streamed events (default 0)
 *   MOCK_API_KEY         when set, API requests need "Authorization: Bearer <key>" (or "api-key: <key>")
 *   MOCK_NAME            this instance's name (header x-mock-instance, /__mock/stats); default "mock-upstream"
 */

import { type MockUpstream, createMockUpstream } from './index.js';

function fail(message: string): never {
  process.stderr.write(`mock-upstream: ${message}\n`);
  process.exit(1);
}

/** Empty counts as unset so `FOO= cmd` in a shell or compose file falls back to the default. */
function readEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readNumber(name: string, fallback: number, { integer, max }: { integer: boolean; max: number }): number {
  const raw = readEnv(name);
  if (raw === undefined) return fallback;
  // Number("") and Number(" ") are 0 and parseInt("12abc") is 12; both would hide typos.
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value > max || (integer && !Number.isInteger(value))) {
    fail(`invalid ${name}=${JSON.stringify(raw)}: expected a non-negative ${integer ? 'integer' : 'number'} no greater than ${max}`);
  }
  return value;
}

const port = readNumber('MOCK_UPSTREAM_PORT', 12399, { integer: true, max: 65535 });
const host = readEnv('MOCK_UPSTREAM_HOST') ?? '127.0.0.1';
const latencyMs = readNumber('MOCK_LATENCY_MS', 0, { integer: false, max: 3_600_000 });
const chunkDelayMs = readNumber('MOCK_CHUNK_DELAY_MS', 0, { integer: false, max: 3_600_000 });
const apiKey = readEnv('MOCK_API_KEY');
const name = readEnv('MOCK_NAME');

let mock: MockUpstream;
try {
  mock = createMockUpstream({ latencyMs, chunkDelayMs, apiKey, name });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
// Longer than the idle timeout of typical client pools (and of load balancers at 60 s),
// so the client, never the mock, closes an idle keep-alive connection; otherwise a
// request sent just as the server hangs up fails with ECONNRESET.
mock.server.keepAliveTimeout = 65_000;
mock.server.headersTimeout = 66_000;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await mock.close();
  } catch (err) {
    process.stderr.write(`mock-upstream: error while closing on ${signal}: ${String(err)}\n`);
  }
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

try {
  const { url } = await mock.listen(port, host);
  process.stdout.write(`mock upstream ${mock.name} listening on ${url}\n`);
} catch (err) {
  fail(`cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
}
