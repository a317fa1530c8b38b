import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, mockForThisFile, parseSse, payloads, postJson, readUntilEnd } from './test-support.js';

const upstream = mockForThisFile();

const messages = [{ role: 'user', content: 'ping' }];

function chat(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/chat/completions`, { messages, ...body });
}

function responses(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/responses`, { input: 'ping', ...body });
}

function contentDeltas(text: string): string[] {
  return payloads(parseSse(text))
    .filter((c) => typeof c.choices?.[0]?.delta?.content === 'string' && c.choices[0].delta.content !== '')
    .map((c) => c.choices[0].delta.content as string);
}

describe('the model-name grammar', () => {
  test("an unknown option is a 400 in OpenAI's shape that names it, on both APIs", async () => {
    const cases: [string, string][] = [
      ['mock-tols', 'tols'],
      ['mock-tools+crlff', 'crlff'],
      ['mock-error-200', 'error-200'],
      ['mock-drop-after-x', 'drop-after-x'],
      ['mock-', ''],
    ];
    for (const [model, option] of cases) {
      for (const res of [await chat({ model }), await responses({ model, stream: true })]) {
        assert.equal(res.status, 400, model);
        const error = await errorOf(res);
        assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
        assert.equal(error.type, 'invalid_request_error');
        assert.equal(error.param, 'model');
        assert.equal(error.code, 'invalid_value');
        assert.ok((error.message as string).includes(`Unknown mock option '${option}' in model '${model}'`), error.message as string);
      }
    }
  });

  test('only names starting with mock- are read: any other model behaves as usual', async () => {
    for (const model of ['gpt-4o+crlf', 'mocktools', 'my-mock-tools']) {
      const res = await chat({ model });
      assert.equal(res.status, 200, model);
      const body = (await res.json()) as Record<string, any>;
      assert.equal(body.model, model);
      assert.match(body.choices[0].message.content, /^This is a mock reply to: ping/);
    }
  });

  test('GET /v1/models/{id} knows the catalogue and every mock- name that parses, and 404s the rest like OpenAI', async () => {
    for (const id of ['gpt-4o', 'mock-tools', 'mock-crlf+drop-after-3', 'mock-error-418']) {
      const res = await fetch(`${upstream.base}/v1/models/${encodeURIComponent(id)}`);
      assert.equal(res.status, 200, id);
      assert.deepEqual(await res.json(), { id, object: 'model', created: 1_715_367_049, owned_by: 'mock' });
    }
    for (const id of ['gpt-nope', 'mock-tols']) {
      const res = await fetch(`${upstream.base}/v1/models/${id}`);
      assert.equal(res.status, 404, id);
      assert.equal(
        await res.text(),
        `{"error":{"message":"The model '${id}' does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}`,
      );
    }
  });
});

describe('per-request stream behaviour', () => {
  test('chunk-delay-<ms> spaces out the events of that request only', async () => {
    const started = performance.now();
    // role + 3 tokens + finish + [DONE] = 6 events, so 5 gaps
    const { text } = await readUntilEnd(await chat({ model: 'mock-chunk-delay-40', stream: true, max_tokens: 3 }));
    assert.ok(text.includes('[DONE]'));
    assert.ok(performance.now() - started >= 190, 'stream finished too fast');
    const config = (await (await fetch(`${upstream.base}/__mock/config`)).json()) as { chunkDelayMs: number };
    assert.equal(config.chunkDelayMs, 0, "the mock's own setting is untouched");
  });

  test('drop-after-<n> cuts a chat stream after n content deltas, before finish_reason and [DONE]', async () => {
    for (const n of [0, 1, 5]) {
      const res = await chat({ model: `mock-drop-after-${n}`, stream: true });
      assert.equal(res.status, 200);
      const { text, cut } = await readUntilEnd(res);
      assert.ok(cut, 'the body ends in a network error');
      assert.equal(contentDeltas(text).length, n);
      assert.ok(text.includes('"role":"assistant"'), 'the opening chunk arrived');
      assert.ok(!text.includes('finish_reason":"stop') && !text.includes('[DONE]'));
    }
  });

  test('drop-after-<n> cuts a responses stream after n deltas, without a terminal event', async () => {
    const { text, cut } = await readUntilEnd(await responses({ model: 'mock-drop-after-2', stream: true }));
    assert.ok(cut);
    const types = payloads(parseSse(text)).map((e) => e.type as string);
    assert.deepEqual(types, [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
    ]);
  });

  test("drop-after beyond the reply's length still cuts before the terminal event; drop-mid-stream after three tokens", async () => {
    const long = await readUntilEnd(await chat({ model: 'mock-drop-after-100', stream: true }));
    assert.ok(long.cut);
    assert.equal(contentDeltas(long.text).length, 16);
    assert.ok(!long.text.includes('finish_reason":"stop'));
    const legacy = await readUntilEnd(await chat({ model: 'mock-drop-mid-stream', stream: true }));
    assert.ok(legacy.cut);
    assert.equal(contentDeltas(legacy.text).length, 3);
  });

  test('a non-streamed request with drop-after is reset before any byte', async () => {
    await assert.rejects(chat({ model: 'mock-drop-after-3' }));
    await assert.rejects(responses({ model: 'mock-drop-after-3' }));
  });

  test("fail-after-<n> ends a chat stream cleanly with the API's error event after n deltas", async () => {
    const res = await chat({ model: 'mock-fail-after-2', stream: true });
    assert.equal(res.status, 200);
    const { text, cut } = await readUntilEnd(res);
    assert.ok(!cut, 'the stream ends cleanly');
    const events = parseSse(text);
    assert.equal(contentDeltas(text).length, 2);
    assert.ok(!text.includes('[DONE]') && !text.includes('"finish_reason":"stop"'));
    const last = JSON.parse(events.at(-1)!.data) as { error: Record<string, unknown> };
    assert.deepEqual(Object.keys(last), ['error']);
    assert.equal(last.error.type, 'server_error');
    assert.equal(last.error.param, null);
    assert.equal(last.error.code, null);
    assert.match(last.error.message as string, /^The server had an error processing your request\./);
    assert.ok((last.error.message as string).includes(res.headers.get('x-request-id')!), 'the message quotes the request id');
  });

  test('fail-after-<n> ends a responses stream with response.failed: status failed, the error, no usage', async () => {
    const res = await responses({ model: 'mock-fail-after-3', stream: true });
    const { text, cut } = await readUntilEnd(res);
    assert.ok(!cut);
    const events = parseSse(text);
    const data = payloads(events);
    assert.equal(data.filter((e) => e.type === 'response.output_text.delta').length, 3);
    assert.equal(events.at(-1)?.event, 'response.failed');
    const failed = data.at(-1)!;
    assert.equal(failed.type, 'response.failed');
    assert.deepEqual(
      data.map((e) => e.sequence_number),
      data.map((_, i) => i),
    );
    assert.equal(failed.response.id, data[0]?.response.id);
    assert.equal(failed.response.status, 'failed');
    assert.equal(failed.response.error.code, 'server_error');
    assert.match(failed.response.error.message, /^An error occurred while processing your request\./);
    assert.ok((failed.response.error.message as string).includes(res.headers.get('x-request-id')!));
    assert.equal(failed.response.usage, null);
    assert.deepEqual(failed.response.output, []);
    assert.ok(!data.some((e) => e.type === 'response.completed'));
  });

  test("a non-streamed request with fail-after is a 500 in OpenAI's shape", async () => {
    for (const res of [await chat({ model: 'mock-fail-after-1' }), await responses({ model: 'mock-fail-after-1' })]) {
      assert.equal(res.status, 500);
      assert.equal((await errorOf(res)).type, 'server_error');
    }
  });

  test('empty-stream answers 200 with SSE headers, then the body ends without any event and the connection closes', async () => {
    for (const res of [await chat({ model: 'mock-empty-stream', stream: true }), await responses({ model: 'mock-empty-stream', stream: true })]) {
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(res.headers.get('connection'), 'close');
      assert.deepEqual(await readUntilEnd(res), { text: '', cut: false });
    }
    const plain = await chat({ model: 'mock-empty-stream' });
    assert.equal(plain.status, 200);
    assert.match(plain.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(await plain.text(), '');
  });

  test('options combine: crlf with drop-after, slow with error', async () => {
    const { text, cut } = await readUntilEnd(await chat({ model: 'mock-crlf+drop-after-3', stream: true }));
    assert.ok(cut);
    assert.ok(text.includes('\r\n\r\n') && !/[^\r]\n/.test(text), 'every line ends in CRLF');
    assert.equal(contentDeltas(text).length, 3);

    const started = performance.now();
    const res = await chat({ model: 'mock-slow-200+error-503' });
    assert.equal(res.status, 503);
    assert.equal((await errorOf(res)).type, 'server_error');
    assert.ok(performance.now() - started >= 190, 'the error came after the delay');
  });
});
