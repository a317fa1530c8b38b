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
