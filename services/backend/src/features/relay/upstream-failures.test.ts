import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import OpenAI from 'openai';
import { adminApi, getWithKey, postJson, testStack, waitForRows } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

type LogRow = { status_code: number; prompt_tokens: number; completion_tokens: number };
const LOGS = 'SELECT status_code, prompt_tokens, completion_tokens FROM usage_logs WHERE user_id = $1 ORDER BY created_at';
const DAILY = 'SELECT request_count::int, prompt_tokens::int, completion_tokens::int FROM daily_usage WHERE user_id = $1';

/** POSTs a streaming request and parses what comes back with a standard SSE parser. */
async function stream(key: string, path: string, body: Record<string, unknown>) {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  const text = await res.text();
  const events: EventSourceMessage[] = [];
  createParser({ onEvent: (e) => events.push(e) }).feed(text);
  return { status: res.status, headers: res.headers, text, events };
}

const chatBody = (model: string) => ({ model, messages: [{ role: 'user', content: 'Tell me a long story please' }] });
const responsesBody = (model: string) => ({ model, input: 'Tell me a long story please' });
const usageToday = async (key: string) =>
  JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body) as { request_count: number; total_tokens: number };

describe('an answer the upstream breaks off', () => {
  test('a chat stream dropped mid-answer ends with an error event, is not counted as a request, and bills only the delivered tokens', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 5 });
    const { status, events } = await stream(key, '/v1/chat/completions', chatBody('mock-drop-after-3'));
    assert.equal(status, 200);
    const last = JSON.parse(events.at(-1)!.data);
    assert.equal(last.error.code, 'upstream_broken');
    assert.match(last.error.message, /not counted/);
    assert.ok(!events.some((e) => e.data === '[DONE]'));
    const delivered = events.filter((e) => /"content":"[^"]/.test(e.data)).length;
    assert.equal(delivered, 3);

    const [row] = await waitForRows<LogRow>(LOGS, [userId], (r) => r.length === 1);
    assert.deepEqual(row, { status_code: 502, prompt_tokens: 0, completion_tokens: 3 });
    const [day] = await waitForRows<{ request_count: number; completion_tokens: number }>(DAILY, [userId], (r) => r.length === 1);
    assert.equal(day!.request_count, 0, 'not counted against the daily request limit');
    assert.equal(day!.completion_tokens, 3);
    assert.equal((await usageToday(key)).request_count, 0);
  });

  test('a responses stream dropped mid-answer ends with response.failed, so the Codex CLI and SDKs see a cause, and six retries cost nothing', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 5 });
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const { status, events } = await stream(key, '/v1/responses', responsesBody('mock-drop-after-3'));
      assert.equal(status, 200);
      const created = JSON.parse(events[0]!.data);
      const failed = events.at(-1)!;
      assert.equal(failed.event, 'response.failed');
      const data = JSON.parse(failed.data);
      assert.equal(data.type, 'response.failed');
      assert.equal(data.sequence_number, JSON.parse(events.at(-2)!.data).sequence_number + 1);
      assert.equal(data.response.id, created.response.id);
      assert.equal(data.response.status, 'failed');
      assert.equal(data.response.error.code, 'server_error');
    }
    // Past the daily request limit of 5 had they counted.
    assert.equal((await usageToday(key)).request_count, 0);
    const rows = await waitForRows<LogRow>(LOGS, [userId], (r) => r.length === 6);
    for (const row of rows) assert.deepEqual(row, { status_code: 502, prompt_tokens: 0, completion_tokens: 3 });

    // The official SDK hands the failure to its caller as an event with the cause.
    const client = new OpenAI({ apiKey: key, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
    const types: string[] = [];
    let cause = '';
    for await (const event of await client.responses.create({ ...responsesBody('mock-drop-after-3'), stream: true })) {
      types.push(event.type);
      if (event.type === 'response.failed') cause = event.response.error?.message ?? '';
    }
    assert.equal(types.at(-1), 'response.failed');
    assert.match(cause, /broke off/);
  });

  test('an upstream that fails before its first event gets a plain 502, and nothing is counted', async () => {
    const { key, userId } = await admin.customer();
    for (const [path, body] of [
      ['/v1/chat/completions', chatBody('mock-empty-stream')],
      ['/v1/responses', responsesBody('mock-empty-stream')],
    ] as const) {
      const { status, headers, text } = await stream(key, path, body);
      assert.equal(status, 502, text);
      assert.match(headers.get('content-type') ?? '', /application\/json/);
      assert.equal(JSON.parse(text).error.type, 'upstream_error');
    }
    const rows = await waitForRows<LogRow>(LOGS, [userId], (r) => r.length === 2);
    for (const row of rows) assert.deepEqual(row, { status_code: 502, prompt_tokens: 0, completion_tokens: 0 });
    assert.equal((await usageToday(key)).request_count, 0);
  });

  test("the upstream's own mid-stream error is relayed as the last event, and the request is not counted", async () => {
    const { key } = await admin.customer();
    const chat = await stream(key, '/v1/chat/completions', chatBody('mock-fail-after-3'));
    assert.equal(chat.status, 200);
    assert.ok(JSON.parse(chat.events.at(-1)!.data).error, 'the error event comes last');
    const responses = await stream(key, '/v1/responses', responsesBody('mock-fail-after-3'));
    assert.equal(responses.events.at(-1)!.event, 'response.failed');
    assert.equal(JSON.parse(responses.events.at(-1)!.data).response.status, 'failed');
    assert.equal((await usageToday(key)).request_count, 0);
  });

  test('a non-streamed answer cut off by the upstream is a 502 that counts nothing', async () => {
    const { key, userId } = await admin.customer();
    const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chatBody('mock-drop-mid-stream'));
    assert.equal(res.status, 502);
    const [row] = await waitForRows<LogRow>(LOGS, [userId], (r) => r.length === 1);
    assert.deepEqual(row, { status_code: 502, prompt_tokens: 0, completion_tokens: 0 });
    assert.equal((await usageToday(key)).request_count, 0);
  });
});

describe('stream framing', () => {
  test('CRLF line ends and "data:" without its space are metered exactly like LF framing, and relayed as well-formed events', async () => {
    const { key, userId } = await admin.customer();
    const expected: LogRow[] = [];
    for (const model of ['gpt-4o-mini', 'mock-crlf', 'mock-nospace', 'mock-crlf+nospace']) {
      const chat = await stream(key, '/v1/chat/completions', { ...chatBody(model), stream_options: { include_usage: true } });
      assert.equal(chat.status, 200);
      assert.equal(chat.events.at(-1)!.data, '[DONE]', model);
      const usage = JSON.parse(chat.events.at(-2)!.data).usage;
      expected.push({ status_code: 200, prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens });

      const responses = await stream(key, '/v1/responses', responsesBody(model));
      const completed = JSON.parse(responses.events.at(-1)!.data);
      assert.equal(completed.type, 'response.completed', model);
      expected.push({ status_code: 200, prompt_tokens: completed.response.usage.input_tokens, completion_tokens: completed.response.usage.output_tokens });
      // What the client receives is plain LF-framed SSE, whatever the upstream's framing.
      assert.doesNotMatch(chat.text + responses.text, /\r/);
    }
    const rows = await waitForRows<LogRow>(LOGS, [userId], (r) => r.length === expected.length);
    assert.deepEqual(rows, expected);
    for (const row of rows) assert.ok(row.completion_tokens > 0, 'usage was read from every framing');
    assert.equal((await usageToday(key)).request_count, expected.length);
  });
});
