import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ANTHROPIC_HEADERS, anthropicErrorOf, mockForThisFile, parseSse, payloads, postJson, readUntilEnd, withMock } from './test-support.js';

const upstream = mockForThisFile();

const hello = [{ role: 'user', content: 'ping' }];

function messages(body: Record<string, unknown>, headers: Record<string, string> = ANTHROPIC_HEADERS, base = upstream.base): Promise<Response> {
  return postJson(`${base}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 64, messages: hello, ...body }, headers);
}

async function expectError(res: Response, status: number, type: string, message?: string | RegExp): Promise<void> {
  assert.equal(res.status, status);
  const error = await anthropicErrorOf(res);
  assert.equal(error.type, type);
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message !== undefined) assert.match(error.message, message);
}

describe('authentication on the Anthropic routes', () => {
  test('x-api-key or a bearer token is accepted; a wrong key is 401 authentication_error "invalid x-api-key"', async () => {
    await withMock({ apiKey: 'sk-ant-right' }, async (_mock, base) => {
      const version = { 'anthropic-version': '2023-06-01' };
      const keys: Record<string, string>[] = [{ 'x-api-key': 'sk-ant-right' }, { authorization: 'Bearer sk-ant-right' }];
      for (const key of keys) {
        const ok = await messages({}, { ...version, ...key }, base);
        assert.equal(ok.status, 200, JSON.stringify(key));
        await ok.text();
      }
      const wrong = await messages({}, { ...version, 'x-api-key': 'sk-ant-wrong-key-123456' }, base);
      assert.equal(wrong.headers.get('openai-organization'), null);
      await expectError(wrong, 401, 'authentication_error', 'invalid x-api-key');
      await expectError(await messages({}, version, base), 401, 'authentication_error', 'x-api-key header is required');
      const models = await fetch(`${base}/v1/models`, { headers: { ...version, 'x-api-key': 'nope' } });
      await expectError(models, 401, 'authentication_error', 'invalid x-api-key');
    });
  });

  test("a request without anthropic-version is Anthropic's 400", async () => {
    await expectError(await messages({}, { 'x-api-key': 'k' }), 400, 'invalid_request_error', 'anthropic-version: header is required');
    const count = await postJson(`${upstream.base}/v1/messages/count_tokens`, { model: 'claude-sonnet-4-5', messages: hello });
    await expectError(count, 400, 'invalid_request_error', 'anthropic-version: header is required');
  });
});

describe("bad requests in Anthropic's words", () => {
  test('missing or invalid fields are 400 invalid_request_error naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ max_tokens: undefined }, 'max_tokens: Field required'],
      [{ max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
      [{ max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
      [{ model: undefined }, 'model: Field required'],
      [{ messages: undefined }, 'messages: Field required'],
      [{ messages: [] }, 'messages: at least one message is required'],
      [{ messages: 'hi' }, 'messages: Input should be a valid list'],
      [{ messages: [{ role: 'tool', content: 'x' }] }, "messages.0.role: Input should be 'user', 'assistant' or 'system'"],
      [{ messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
      [{ messages: [{ role: 'user', content: [{ text: 'no type' }] }] }, 'messages.0.content.0.type: Field required'],
      [{ system: 42 }, 'system: Input should be a valid string'],
    ];
    for (const [patch, message] of cases) await expectError(await messages(patch), 400, 'invalid_request_error', message);
  });

  test('bad JSON, an unknown mock option and a wrong method keep the shape', async () => {
    const broken = await fetch(`${upstream.base}/v1/messages`, { method: 'POST', headers: ANTHROPIC_HEADERS, body: '{oops' });
    await expectError(broken, 400, 'invalid_request_error');
    await expectError(await messages({ model: 'mock-tols' }), 400, 'invalid_request_error', /^Unknown mock option 'tols'/);
    const get = await fetch(`${upstream.base}/v1/messages`, { headers: ANTHROPIC_HEADERS });
    assert.equal(get.headers.get('allow'), 'POST');
    await expectError(get, 405, 'invalid_request_error');
  });
});

describe("injected failures in Anthropic's shape", () => {
  test('mock-error-<status> answers the type Anthropic documents for that status', async () => {
    const cases: [number, string, string | RegExp][] = [
      [400, 'invalid_request_error', 'Request rejected with 400 (mock).'],
      [401, 'authentication_error', 'invalid x-api-key'],
      [403, 'permission_error', 'Your API key does not have permission to use the specified resource.'],
      [404, 'not_found_error', 'model: mock-error-404'],
      [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
      [429, 'rate_limit_error', /^This request would exceed the rate limit for your organization \(/],
      [500, 'api_error', 'Internal server error'],
      [503, 'api_error', 'Upstream failure 503 (mock).'],
      [529, 'overloaded_error', 'Overloaded'],
    ];
    for (const [status, type, message] of cases) {
      const res = await messages({ model: `mock-error-${status}` });
      if (status === 429) assert.equal(res.headers.get('retry-after'), '1');
      await expectError(res, status, type, message);
    }
  });

  test('no-model-access and region-blocked are permission_error 403s', async () => {
    await expectError(await messages({ model: 'mock-no-model-access' }), 403, 'permission_error', /mock-no-model-access/);
    await expectError(await messages({ model: 'mock-region-blocked' }), 403, 'permission_error', 'Request not allowed');
  });

  test('failNext and failStatus answer in the same shape, with Retry-After when configured', async () => {
    await withMock({ failNext: 1, retryAfterSeconds: 2 }, async (mock, base) => {
      const first = await messages({}, ANTHROPIC_HEADERS, base);
      assert.equal(first.headers.get('retry-after'), '2');
      await expectError(first, 500, 'api_error', 'Internal server error');
      mock.setConfig({ failStatus: 529 });
      await expectError(await messages({ stream: true }, ANTHROPIC_HEADERS, base), 529, 'overloaded_error', 'Overloaded');
      const models = await fetch(`${base}/v1/models`, { headers: ANTHROPIC_HEADERS });
      assert.equal(models.status, 200, 'the model list stays up');
      await models.text();
    });
  });

  test('fail-after-<n> sends n deltas, then event: error with overloaded_error, and ends the stream cleanly', async () => {
    const res = await messages({ model: 'mock-fail-after-2', stream: true });
    assert.equal(res.status, 200);
    const { text, cut } = await readUntilEnd(res);
    assert.ok(!cut);
    const events = parseSse(text);
    assert.deepEqual(
      events.map((e) => e.event),
      ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'error'],
    );
    assert.equal(events.at(-1)?.data, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}');
    await expectError(await messages({ model: 'mock-fail-after-2' }), 500, 'api_error');
  });

  test('drop-after-<n> cuts the socket after n deltas; slow waits; empty-stream ends before any event', async () => {
    const dropped = await readUntilEnd(await messages({ model: 'mock-drop-after-3', stream: true }));
    assert.ok(dropped.cut);
    const types = payloads(parseSse(dropped.text)).map((e) => e.type as string);
    assert.equal(types.filter((t) => t === 'content_block_delta').length, 3);
    assert.ok(!types.includes('message_stop') && !types.includes('content_block_stop'));
    await assert.rejects(messages({ model: 'mock-drop-after-3' }));

    const started = performance.now();
    await (await messages({ model: 'mock-slow-150' })).text();
    assert.ok(performance.now() - started >= 140);

    const empty = await messages({ model: 'mock-empty-stream', stream: true });
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get('content-type'), 'text/event-stream');
    assert.deepEqual(await readUntilEnd(empty), { text: '', cut: false });
  });

  test('refuseConnections cuts Anthropic requests too', async () => {
    await withMock({ refuseConnections: true }, async (mock, base) => {
      await assert.rejects(messages({}, ANTHROPIC_HEADERS, base));
      assert.equal(mock.stats().byEndpoint['/v1/messages'], 1);
    });
  });
});
