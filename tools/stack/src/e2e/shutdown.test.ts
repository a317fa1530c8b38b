import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExtraBackend, testStack } from '../testing.js';

const stack = testStack();

test('a backend stopped with SIGTERM finishes the requests in flight, then exits cleanly', async () => {
  const backend = await startExtraBackend('shutdown-test-backend');
  try {
    // The mock upstream holds this one for 1.5 s before answering.
    const inFlight = fetch(`${backend.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.demoApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-slow-1500', messages: [{ role: 'user', content: 'wait for me' }] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    process.kill(backend.service.pid, 'SIGTERM');

    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { object: string }).object, 'chat.completion');
    assert.equal(await backend.service.exited, '0', 'the cluster primary exits with code 0');
    assert.ok(Date.now() - signalled < 10_000, 'it does not hang once drained');
  } finally {
    await backend.service.stop('SIGKILL', 1000);
  }
});

test('while it drains (DRAIN_DELAY_MS), a stopping backend says so on /healthz, still serves, and closes each connection after its answer', async () => {
  const backend = await startExtraBackend('drain-test-backend', { DRAIN_DELAY_MS: '2000' });
  try {
    assert.equal((await fetch(`${backend.url}/healthz`)).status, 200);
    const signalled = Date.now();
    process.kill(backend.service.pid, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const health = await fetch(`${backend.url}/healthz`);
    assert.equal(health.status, 503, 'a load balancer following /healthz drops it');
    assert.equal(((await health.json()) as { status: string }).status, 'draining');
    const res = await fetch(`${backend.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.demoApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] }),
    });
    assert.equal(res.status, 200, 'requests that still arrive are served');
    assert.equal(res.headers.get('connection'), 'close', 'and no connection is left idle for reuse');
    await res.arrayBuffer();

    assert.equal(await backend.service.exited, '0');
    assert.ok(Date.now() - signalled >= 2000, 'it kept serving for the drain delay before it stopped');
  } finally {
    await backend.service.stop('SIGKILL', 1000);
  }
});
