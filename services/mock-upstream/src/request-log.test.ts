import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { MockRequestRecord } from './index.js';
import { mockForThisFile, postJson, withMock } from './test-support.js';

const upstream = mockForThisFile();

async function remoteRequests(base: string): Promise<MockRequestRecord[]> {
  const res = await fetch(`${base}/__mock/requests`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { requests: MockRequestRecord[] }).requests;
}

/** A request with the exact header lines given, repeated ones included (fetch would merge them). */
function rawRequest(url: string, rawHeaders: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // With an array of header lines node:http adds none of its own, Host included.
    const req = request(url, { method: 'GET', headers: ['Host', new URL(url).host, ...rawHeaders] }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the request log', () => {
  test('records method, path, query, every header lowercased, the model and the time, oldest first', async () => {
    upstream.mock.clearRequests();
    const before = Date.now();
    const headers = {
      authorization: 'Bearer sk-channel-key',
      Session_ID: 'sess-123',
      'OpenAI-Beta': 'responses=experimental',
      originator: 'codex_cli_rs',
      'Idempotency-Key': 'idem-1',
    };
    const res = await postJson(`${upstream.base}/v1/responses?trace=1&trace=2`, { model: 'mock-tools', input: 'hi' }, headers);
    await res.text();
    await (await fetch(`${upstream.base}/v1/models`)).text();
    await (await fetch(`${upstream.base}/__mock/stats`)).text();

    const log = await remoteRequests(upstream.base);
    assert.equal(log.length, 2, '/__mock/* traffic is not logged');
    const [first, second] = log;
    assert.ok(first && second);
    assert.equal(first.method, 'POST');
    assert.equal(first.path, '/v1/responses');
    assert.deepEqual(first.query, { trace: '2' });
    assert.equal(first.model, 'mock-tools');
    assert.equal(first.headers.authorization, 'Bearer sk-channel-key');
    assert.equal(first.headers.session_id, 'sess-123');
    assert.equal(first.headers['openai-beta'], 'responses=experimental');
    assert.equal(first.headers.originator, 'codex_cli_rs');
    assert.equal(first.headers['idempotency-key'], 'idem-1');
    assert.equal(first.headers['content-type'], 'application/json');
    assert.ok(Object.keys(first.headers).every((name) => name === name.toLowerCase()));
    assert.ok(Date.parse(first.at) >= before - 1000 && Date.parse(first.at) <= Date.now());
    assert.deepEqual([second.method, second.path, second.model], ['GET', '/v1/models', null]);
    assert.deepEqual(second.query, {});

    assert.deepEqual(upstream.mock.requests(), log, 'the same list in process');
  });

  test('repeated headers are joined, not dropped: a second authorization or cookie shows', async () => {
    upstream.mock.clearRequests();
    const status = await rawRequest(`${upstream.base}/v1/models`, [
      'Authorization',
      'Bearer sk-channel',
      'authorization',
      'Bearer sk-customer-leak',
      'Cookie',
      'a=1',
      'cookie',
      'b=2',
      'X-Custom',
      'one',
      'x-custom',
      'two',
    ]);
    assert.equal(status, 200);
    const [entry] = upstream.mock.requests();
    assert.equal(entry?.headers.authorization, 'Bearer sk-channel, Bearer sk-customer-leak');
    assert.equal(entry?.headers.cookie, 'a=1; b=2');
    assert.equal(entry?.headers['x-custom'], 'one, two');
  });

  test('the model is recorded even when the request then fails, and is null when the body has none', async () => {
    upstream.mock.clearRequests();
    await (await postJson(`${upstream.base}/v1/chat/completions`, { model: 'mock-error-500', messages: [{ role: 'user', content: 'x' }] })).text();
    await (await postJson(`${upstream.base}/v1/chat/completions`, { messages: [] })).text();
    await (await fetch(`${upstream.base}/v1/chat/completions`, { method: 'POST', body: '{broken' })).text();
    upstream.mock.setConfig({ failStatus: 503 });
    try {
      await (await postJson(`${upstream.base}/v1/responses`, { model: 'gpt-5', input: 'x' })).text();
    } finally {
      upstream.mock.setConfig({ failStatus: 0 });
    }
    assert.deepEqual(
      upstream.mock.requests().map((r) => r.model),
      ['mock-error-500', null, null, 'gpt-5'],
    );
  });

  test('DELETE /__mock/requests and clearRequests() empty it; returned entries are copies', async () => {
    await (await fetch(`${upstream.base}/v1/models`)).text();
    const copy = upstream.mock.requests();
    assert.ok(copy.length > 0);
    const entry = copy[0];
    if (entry) entry.headers.injected = 'x';
    assert.equal(upstream.mock.requests()[0]?.headers.injected, undefined);

    const cleared = await fetch(`${upstream.base}/__mock/requests`, { method: 'DELETE' });
    assert.equal(cleared.status, 200);
    assert.deepEqual(await cleared.json(), { requests: [] });
    assert.deepEqual(upstream.mock.requests(), []);

    await (await fetch(`${upstream.base}/healthz`)).text();
    assert.equal(upstream.mock.requests().length, 1);
    upstream.mock.clearRequests();
    assert.deepEqual(await remoteRequests(upstream.base), []);
    const wrongMethod = await fetch(`${upstream.base}/__mock/requests`, { method: 'POST' });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'GET, DELETE');
    await wrongMethod.text();
  });

  test('it keeps the last 200 requests', async () => {
    await withMock({}, async (mock, base) => {
      for (let i = 0; i < 205; i++) await (await fetch(`${base}/v1/models?n=${i}`)).text();
      const log = mock.requests();
      assert.equal(log.length, 200);
      assert.equal(log[0]?.query.n, '5');
      assert.equal(log.at(-1)?.query.n, '204');
    });
  });
});
