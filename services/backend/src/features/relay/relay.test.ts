import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello!' }] };

function post(path: string, body: unknown, key: string | null = stack.demoApiKey, headers: Record<string, string> = {}) {
  return fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// Response bodies are whatever the API said; the assertions below check their shape.
const json = (res: Response): Promise<any> => res.json();

function assertOpenAiError(body: any, code: string) {
  assert.equal(typeof body.error.message, 'string');
  assert.equal(typeof body.error.type, 'string');
  assert.equal(body.error.code, code);
}

describe('the customer API through nginx', () => {
  test("the banner's curl gets a chat completion with usage", async () => {
    const res = await post('/api/v1/chat/completions', chat);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].message.role, 'assistant');
    assert.ok(body.usage.total_tokens > 0);
    assert.ok(res.headers.get('x-request-id'));
  });

  test('the /v1 alias serves the same API, for OpenAI SDKs and the Codex CLI', async () => {
    const models = await fetch(`${stack.gatewayUrl}/v1/models`, { headers: { authorization: `Bearer ${stack.demoApiKey}` } });
    assert.equal(models.status, 200);
    assert.ok((await json(models)).data.some((m: { id: string }) => m.id === 'gpt-4o-mini'));
    const responses = await post('/v1/responses', { model: 'gpt-5-codex', input: 'Say hi' });
    assert.equal(responses.status, 200);
    assert.equal((await json(responses)).object, 'response');
  });

  test('a chat stream arrives as server-sent events, exactly as the client asked: no usage chunk or usage fields unless it asked', async () => {
    const streamed = async (extra: Record<string, unknown>) => {
      const res = await post('/api/v1/chat/completions', { ...chat, stream: true, ...extra });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
      const events = (await res.text())
        .split('\n\n')
        .filter(Boolean)
        .map((e) => e.replace(/^data: /, ''));
      assert.equal(events.at(-1), '[DONE]');
      return events.slice(0, -1).map((e) => JSON.parse(e));
    };
    for (const extra of [{}, { stream_options: { include_usage: false } }, { stream_options: {} }]) {
      const chunks = await streamed(extra);
      assert.ok(chunks.length > 5, 'the reply came in several chunks');
      for (const chunk of chunks) {
        assert.ok(!('usage' in chunk), `no usage field: ${JSON.stringify(chunk)}`);
        // OpenAI's documented loop, chunk.choices[0].delta.content, works on every chunk.
        assert.equal(typeof chunk.choices[0].delta, 'object');
      }
    }
    const asked = await streamed({ stream_options: { include_usage: true } });
    const usage = asked.at(-1);
    assert.deepEqual(usage.choices, []);
    assert.ok(usage.usage.completion_tokens > 0);
    assert.ok(
      asked.slice(0, -1).every((c) => c.usage === null),
      'the other chunks say "usage": null, as OpenAI sends them',
    );
  });

  test('a query string changes nothing: the request is served as without one', async () => {
    for (const path of ['/v1/chat/completions?trace=1', '/api/v1/chat/completions?']) {
      const res = await post(path, chat);
      assert.equal(res.status, 200, path);
      assert.ok(res.headers.get('x-request-id'), path);
      assert.ok((await json(res)).usage.total_tokens > 0, path);
    }
    const stream = await post('/v1/responses?x=y', { model: 'gpt-5-codex', input: 'Say hi', stream: true });
    assert.equal(stream.status, 200);
    assert.match(await stream.text(), /"type":"response\.completed"/);
  });

  test('a wrong, missing or malformed key gets 401 in OpenAI error shape, without echoing the key', async () => {
    const wrong = await post('/api/v1/chat/completions', chat, 'sk-cg-not-a-real-key');
    assert.equal(wrong.status, 401);
    const text = await wrong.text();
    assert.doesNotMatch(text, /not-a-real-key/);
    assertOpenAiError(JSON.parse(text), 'invalid_api_key');

    const missing = await post('/api/v1/chat/completions', chat, null);
    assert.equal(missing.status, 401);
    assertOpenAiError(await json(missing), 'missing_api_key');

    const basic = await post('/api/v1/chat/completions', chat, null, { authorization: 'Basic Zm9vOmJhcg==' });
    assert.equal(basic.status, 401);
  });

  test('bad bodies get 400 in OpenAI error shape', async () => {
    const broken = await post('/api/v1/chat/completions', '{"model": ');
    assert.equal(broken.status, 400);
    assertOpenAiError(await json(broken), 'invalid_json');

    const noModel = await post('/api/v1/chat/completions', { messages: [] });
    assert.equal(noModel.status, 400);
    assertOpenAiError(await json(noModel), 'missing_model');

    const notArray = await post('/api/v1/chat/completions', { model: 'gpt-4o-mini', messages: 'hi' });
    assert.equal(notArray.status, 400);
    assertOpenAiError(await json(notArray), 'missing_messages');

    const badStream = await post('/api/v1/responses', { model: 'gpt-4o-mini', input: 'x', stream: 'yes' });
    assert.equal(badStream.status, 400);
    assertOpenAiError(await json(badStream), 'invalid_stream');
  });

  test('a body over 10 MB is refused by nginx with 413 in the same error shape', async () => {
    const huge = JSON.stringify({ ...chat, messages: [{ role: 'user', content: 'x'.repeat(11 * 1024 * 1024) }] });
    const res = await post('/api/v1/chat/completions', huge);
    assert.equal(res.status, 413);
    assertOpenAiError(await json(res), 'request_too_large');
  });

  test('an unknown route gets 404 in the same error shape', async () => {
    const res = await fetch(`${stack.gatewayUrl}/api/v2/nothing`);
    assert.equal(res.status, 404);
    assertOpenAiError(await json(res), 'unknown_route');
  });

  test('an upstream failure is reported as the upstream said it, in OpenAI error shape', async () => {
    const res = await post('/api/v1/chat/completions', { ...chat, model: 'mock-error-503' });
    assert.equal(res.status, 503);
    assert.equal(typeof (await json(res)).error.message, 'string');
  });
});
