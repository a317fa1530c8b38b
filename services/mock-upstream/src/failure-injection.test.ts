import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMockUpstream } from './index.js';
import { mockForThisFile, readUntilEnd } from './test-support.js';

const upstream = mockForThisFile();

const messages = [{ role: 'user', content: 'ping' }];

function chat(body: Record<string, unknown>, url = upstream.base): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages, ...body }) });
}

async function errorOf(res: Response): Promise<{ type: string; message: string }> {
  return ((await res.json()) as { error: { type: string; message: string } }).error;
}

describe('failure injection by model name', () => {
  test("mock-error-500 and mock-error-503 answer with server errors in OpenAI's shape", async () => {
    const r500 = await chat({ model: 'mock-error-500' });
    assert.equal(r500.status, 500);
    assert.equal((await errorOf(r500)).type, 'server_error');
    const r503 = await fetch(`${upstream.base}/v1/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'mock-error-503', input: 'hi' }),
    });
    assert.equal(r503.status, 503);
    assert.equal((await errorOf(r503)).type, 'server_error');
    const r429 = await chat({ model: 'mock-error-429' });
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get('retry-after'), '1');
    await r429.text();
  });

  test('mock-slow-<ms> waits that long before answering', async () => {
    const started = performance.now();
    const res = await chat({ model: 'mock-slow-250' });
    assert.equal(res.status, 200);
    await res.text();
    assert.ok(performance.now() - started >= 240, 'answered too early');
  });

  test('drop-mid-stream closes the connection without [DONE]', async () => {
    const res = await chat({ model: 'mock-drop-mid-stream', stream: true });
    assert.equal(res.status, 200);
    const { text, cut } = await readUntilEnd(res);
    assert.ok(cut, 'the body should end in a network error');
    assert.ok(text.includes('"content":"This"'), 'some chunks arrive before the drop');
    assert.ok(!text.includes('[DONE]'));
    assert.ok(!text.includes('"finish_reason":"stop"'));
  });

  test('drop-mid-stream on the responses API never reaches response.completed', async () => {
    const res = await fetch(`${upstream.base}/v1/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'mock-drop-mid-stream', input: 'hi', stream: true }),
    });
    const { text, cut } = await readUntilEnd(res);
    assert.ok(cut);
    assert.ok(text.includes('response.output_text.delta'));
    assert.ok(!text.includes('response.completed'));
  });
});

describe('runtime config', () => {
  test('failNext set in process makes the next N generation requests answer 500', async () => {
    upstream.mock.setConfig({ failNext: 2 });
    const models = await fetch(`${upstream.base}/v1/models`);
    assert.equal(models.status, 200, 'listing models does not consume injected failures');
    await models.text();
    for (const expected of [500, 500, 200]) {
      const res = await chat({ model: 'gpt-4o' });
      assert.equal(res.status, expected);
      await res.text();
    }
  });

  test('POST /__mock/config changes the config over HTTP and returns it', async () => {
    const res = await fetch(`${upstream.base}/__mock/config`, { method: 'POST', body: JSON.stringify({ failNext: 1 }) });
    const defaults = { latencyMs: 0, chunkDelayMs: 0, failStatus: 0, retryAfterSeconds: 0, apiKey: null, refuseConnections: false };
    assert.deepEqual(await res.json(), { ...defaults, failNext: 1 });
    const failed = await chat({ model: 'gpt-4o' });
    assert.equal(failed.status, 500);
    assert.equal((await errorOf(failed)).type, 'server_error');
    const current = await fetch(`${upstream.base}/__mock/config`);
    assert.deepEqual(await current.json(), { ...defaults, failNext: 0 });
  });

  test('invalid config is rejected with a 400 over HTTP and a TypeError in process', async () => {
    for (const body of [{ latencyMs: -1 }, { failNext: 1.5 }, { latency: 10 }, [1]]) {
      const res = await fetch(`${upstream.base}/__mock/config`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 400);
      assert.equal((await errorOf(res)).type, 'invalid_request_error');
    }
    assert.throws(() => upstream.mock.setConfig({ chunkDelayMs: Number.NaN }), TypeError);
    assert.throws(() => createMockUpstream({ latencyMs: -5 }), TypeError);
  });

  test('latencyMs delays the first byte', async () => {
    upstream.mock.setConfig({ latencyMs: 150 });
    try {
      const started = performance.now();
      const res = await fetch(`${upstream.base}/v1/models`);
      assert.ok(performance.now() - started >= 140, 'headers arrived too early');
      await res.text();
    } finally {
      upstream.mock.setConfig({ latencyMs: 0 });
    }
  });

  test('chunkDelayMs spaces out the events of a stream', async () => {
    upstream.mock.setConfig({ chunkDelayMs: 25 });
    try {
      const started = performance.now();
      // role + 3 tokens + finish + [DONE] = 6 events, so 5 gaps
      const res = await chat({ model: 'gpt-4o', stream: true, max_tokens: 3 });
      const { text } = await readUntilEnd(res);
      assert.ok(text.includes('[DONE]'));
      assert.ok(performance.now() - started >= 120, 'stream finished too fast');
    } finally {
      upstream.mock.setConfig({ chunkDelayMs: 0 });
    }
  });
});

describe('stats and lifecycle', () => {
  test('stats count requests by endpoint and ignore control traffic', async () => {
    const own = createMockUpstream();
    const { url } = await own.listen(0, '127.0.0.1');
    try {
      await (await chat({ model: 'gpt-4o' }, url)).text();
      await (await chat({ model: 'mock-error-500' }, url)).text();
      await (await fetch(`${url}/models`)).text();
      await (await fetch(`${url}/v1/nope`)).text();
      await (await fetch(`${url}/__mock/config`)).text();
      const expected = { '/v1/chat/completions': 2, '/v1/models': 1, '/v1/responses': 0, unknown: 1 };
      const local = own.stats();
      assert.equal(local.total, 4);
      for (const [key, count] of Object.entries(expected)) assert.equal(local.byEndpoint[key], count, key);
      const remote = await (await fetch(`${url}/__mock/stats`)).json();
      assert.deepEqual(remote, local);
    } finally {
      await own.close();
    }
  });

  test('close resolves promptly despite idle keep-alive sockets and in-flight slow requests', async () => {
    const own = createMockUpstream();
    const { url } = await own.listen(0, '127.0.0.1');
    await (await fetch(`${url}/healthz`)).text(); // leaves an idle keep-alive socket behind
    const slow = chat({ model: 'mock-slow-60000' }, url).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await own.close();
    assert.ok(performance.now() - started < 1000, 'close waited for connections');
    assert.equal(await slow, 'failed');
    assert.equal(own.server.listening, false);
  });
});
