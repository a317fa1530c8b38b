import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { BACKEND_MAIN } from '../paths.js';
import { httpOk, startService } from '../process.js';
import { freePort, testDir, testSecrets, testStack, waitFor } from '../testing.js';

const stack = testStack();

test('a backend stopped with SIGTERM finishes the requests in flight, then exits cleanly', async () => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const backend = startService('shutdown-test-backend', process.execPath, [BACKEND_MAIN], {
    logFile: path.join(testDir(), 'logs', 'shutdown-test-backend.log'),
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      WORKERS: '2',
      DB_POOL_MAX: '4',
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_URL: stack.postgres.primaryUrl,
      DATABASE_REPLICA_URL: stack.postgres.replicaUrl,
      REDIS_URL: stack.redisUrl,
      KEY_PEPPER: testSecrets().keyPepper,
      UPSTREAM_BASE_URL: `${stack.upstreamUrl}/v1`,
    },
  });
  try {
    await waitFor('the backend', () => httpOk(`http://127.0.0.1:${port}/readyz`), 30_000, 100);
    // The mock upstream holds this one for 1.5 s before answering.
    const inFlight = fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.demoApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-slow-1500', messages: [{ role: 'user', content: 'wait for me' }] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    process.kill(backend.pid, 'SIGTERM');

    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { object: string }).object, 'chat.completion');
    assert.equal(await backend.exited, '0', 'the cluster primary exits with code 0');
    assert.ok(Date.now() - signalled < 10_000, 'it does not hang once drained');
  } finally {
    await backend.stop('SIGKILL', 1000);
  }
});
