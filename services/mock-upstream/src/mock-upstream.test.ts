import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMockUpstream } from './index.js';
import { mockForThisFile } from './test-support.js';

const upstream = mockForThisFile();

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(upstream.base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The JSON payloads of an SSE body's `data:` lines, "[DONE]" kept verbatim. */
function dataLines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length));
}

async function assertOpenAIError(res: Response, status: number, type: string): Promise<Record<string, unknown>> {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = (await res.json()) as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(body.error.type, type);
  assert.equal(typeof body.error.message, 'string');
  return body.error;
}

const hello = [{ role: 'user', content: 'Hello there, how are you today?' }];

describe('models and health', () => {
  test("the model list has OpenAI's list shape with and without the /v1 prefix", async () => {
    for (const path of ['/v1/models', '/models']) {
      const res = await fetch(upstream.base + path);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { object: string; data: { id: string; object: string; owned_by: string }[] };
      assert.equal(body.object, 'list');
      const ids = body.data.map((m) => m.id);
      for (const id of ['gpt-4o-mini', 'gpt-4o', 'gpt-5-codex', 'o4-mini', 'mock-error-500', 'mock-drop-mid-stream']) {
        assert.ok(ids.includes(id), `missing ${id}`);
      }
      assert.ok(body.data.every((m) => m.object === 'model' && m.owned_by === 'mock'));
    }
  });

  test('healthz answers ok and every answer carries an x-request-id', async () => {
    const res = await fetch(`${upstream.base}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
    assert.match(res.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    const notFound = await fetch(`${upstream.base}/nowhere`);
    await notFound.body?.cancel();
    assert.ok(notFound.headers.get('x-request-id'));
  });
});

describe('chat completions', () => {
  test('a plain chat completion echoes the model and counts tokens deterministically', async () => {
    const messages = [
      { role: 'system', content: 'Be brief.' }, // 9 chars
      { role: 'user', content: [{ type: 'text', text: 'Hello there friend' }] }, // 18 chars
    ];
    const res = await post('/v1/chat/completions', { model: 'gpt-4o-mini', messages });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      id: string;
      object: string;
      model: string;
      created: number;
      choices: { message: { role: string; content: string }; finish_reason: string }[];
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'gpt-4o-mini');
    assert.equal(typeof body.created, 'number');
    const choice = body.choices[0];
    assert.ok(choice);
    assert.equal(choice.message.role, 'assistant');
    assert.equal(
      choice.message.content,
      // 9-word sentence repeated up to 16 words
      'This is a mock reply to: Hello there friend This is a mock reply to: Hello',
    );
    assert.equal(choice.finish_reason, 'stop');
    assert.deepEqual(body.usage, {
      prompt_tokens: Math.ceil(27 / 4),
      completion_tokens: 16,
      total_tokens: 23,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test('max_tokens truncates and finish_reason is length', async () => {
    const res = await post('/chat/completions', { model: 'gpt-4o', messages: hello, max_tokens: 4 });
    const body = (await res.json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    assert.equal(body.choices[0]?.message.content, 'This is a mock');
    assert.equal(body.choices[0]?.finish_reason, 'length');
    assert.equal(body.usage.completion_tokens, 4);

    const newer = await post('/v1/chat/completions', { model: 'o4-mini', messages: hello, max_completion_tokens: 2 });
    const newerBody = (await newer.json()) as { usage: { completion_tokens: number } };
    assert.equal(newerBody.usage.completion_tokens, 2);
  });

  test('a streamed chat completion sends a role delta, one word per chunk, a finish chunk and [DONE]', async () => {
    const res = await post('/v1/chat/completions', { model: 'gpt-4o', messages: hello, stream: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('connection'), 'keep-alive');
    const lines = dataLines(await res.text());
    assert.equal(lines.at(-1), '[DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, any>);
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-4o' && !('usage' in c)));
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
    assert.deepEqual(chunks[0]?.choices[0].delta, { role: 'assistant', content: '', refusal: null });
    const content = chunks.slice(1, -1).map((c) => c.choices[0].delta.content as string);
    assert.equal(content.length, 16);
    assert.ok(content.every((token) => token.trim().split(' ').length === 1));
    assert.ok(content.join('').startsWith('This is a mock reply to: Hello there, how'));
    assert.equal(chunks.at(-1)?.choices[0].finish_reason, 'stop');
  });

  test('a streamed chat completion ends with a usage chunk when include_usage is set', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'gpt-4o',
      messages: hello,
      stream: true,
      max_tokens: 5,
      stream_options: { include_usage: true },
    });
    const lines = dataLines(await res.text());
    assert.equal(lines.at(-1), '[DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, any>);
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk?.choices, []);
    assert.deepEqual(usageChunk?.usage, {
      prompt_tokens: 8,
      completion_tokens: 5,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
    assert.equal(chunks.at(-2)?.choices[0].finish_reason, 'length');
    assert.equal(chunks.length, 1 + 5 + 1 + 1);
  });
});

describe('bad input', () => {
  test("bad JSON gets a 400 in OpenAI's error shape", async () => {
    for (const body of ['{not json', '', '[1,2]', 'null', '"text"']) {
      await assertOpenAIError(await post('/v1/chat/completions', body), 400, 'invalid_request_error');
    }
  });

  test('missing model, messages or input gets a 400 naming the parameter', async () => {
    const noModel = await assertOpenAIError(await post('/v1/chat/completions', { messages: hello }), 400, 'invalid_request_error');
    assert.equal(noModel.param, 'model');
    const noMessages = await assertOpenAIError(await post('/v1/chat/completions', { model: 'gpt-4o' }), 400, 'invalid_request_error');
    assert.equal(noMessages.param, 'messages');
    assert.equal(noMessages.code, 'missing_required_parameter');
    const noInput = await assertOpenAIError(await post('/v1/responses', { model: 'gpt-4o' }), 400, 'invalid_request_error');
    assert.equal(noInput.param, 'input');
    const badLimit = await post('/v1/chat/completions', { model: 'gpt-4o', messages: hello, max_tokens: -3 });
    assert.equal((await assertOpenAIError(badLimit, 400, 'invalid_request_error')).param, 'max_tokens');
  });

  test("an unknown path gets a 404 and a wrong method a 405, both in OpenAI's error shape", async () => {
    await assertOpenAIError(await fetch(`${upstream.base}/v1/assistants`), 404, 'invalid_request_error');
    const wrongMethod = await fetch(`${upstream.base}/v1/chat/completions`);
    await assertOpenAIError(wrongMethod, 405, 'invalid_request_error');
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
  });

  test('hostile bodies never crash the server', async () => {
    const bodies: unknown[] = [
      { model: 42, messages: hello },
      { model: 'gpt-4o', messages: 'hi' },
      { model: 'gpt-4o', messages: [] },
      { model: 'gpt-4o', messages: [null, 3] },
      { model: 'gpt-4o', messages: [{ role: 'user', content: { weird: true } }], stream: 'yes' },
      { model: 'gpt-4o', messages: [{ role: 'user', content: [null, 5, { text: 7 }] }], max_tokens: 1e308 },
      { model: 'gpt-4o', messages: hello, stream_options: 'nope', max_completion_tokens: null },
      { model: 'gpt-4o', input: 12 },
      { model: 'gpt-4o', input: [null, 'x', { role: 'user', content: [{}] }] },
      { ['__proto__']: { polluted: true }, model: 'gpt-4o', messages: hello },
    ];
    for (const body of bodies) {
      for (const path of ['/v1/chat/completions', '/v1/responses']) {
        const res = await post(path, body);
        assert.ok(res.status === 200 || res.status === 400, `${path} ${JSON.stringify(body)} -> ${res.status}`);
        await res.text();
      }
    }
    const garbage = await post('/v1/chat/completions', Buffer.from([0xff, 0xfe, 0x00, 0x7b]).toString('latin1'));
    assert.equal(garbage.status, 400);
    await garbage.text();
    assert.equal((await fetch(`${upstream.base}/healthz`)).status, 200);
  });
});

describe('api key', () => {
  test('with an apiKey, requests need the matching bearer token and otherwise get a 401', async () => {
    const secured = createMockUpstream({ apiKey: 'sk-test' });
    const { url } = await secured.listen(0, '127.0.0.1');
    try {
      const body = JSON.stringify({ model: 'gpt-4o', messages: hello });
      const call = (auth?: string): Promise<Response> =>
        fetch(`${url}/v1/chat/completions`, { method: 'POST', body, headers: auth ? { authorization: auth } : {} });
      await assertOpenAIError(await call(), 401, 'invalid_request_error');
      const wrong = await assertOpenAIError(await call('Bearer sk-nope'), 401, 'invalid_request_error');
      assert.equal(wrong.code, 'invalid_api_key');
      const ok = await call('Bearer sk-test');
      assert.equal(ok.status, 200);
      await ok.text();
      assert.equal((await fetch(`${url}/healthz`)).status, 200, 'health checks stay open');
    } finally {
      await secured.close();
    }
  });
});
