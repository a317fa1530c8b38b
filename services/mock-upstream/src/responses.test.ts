import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mockForThisFile } from './test-support.js';

const upstream = mockForThisFile();

function post(body: unknown): Promise<Response> {
  return fetch(`${upstream.base}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface SseEvent {
  event: string | undefined;
  data: Record<string, any>;
}

function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
      const data = lines.find((l) => l.startsWith('data: '))?.slice('data: '.length) ?? 'null';
      return { event, data: JSON.parse(data) as Record<string, any> };
    });
}

// "You are Codex." (14) + "List the files" (14) = 28 characters -> 7 input tokens.
const codexLikeRequest = {
  model: 'gpt-5-codex',
  instructions: 'You are Codex.',
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files' }] }],
};

describe('responses API', () => {
  test('a plain response is a completed response object with one assistant message and usage', async () => {
    const res = await post(codexLikeRequest);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, any>;
    assert.match(body.id, /^resp_/);
    assert.equal(body.object, 'response');
    assert.equal(body.status, 'completed');
    assert.equal(body.model, 'gpt-5-codex');
    assert.equal(body.output.length, 1);
    const item = body.output[0];
    assert.equal(item.type, 'message');
    assert.equal(item.role, 'assistant');
    assert.equal(item.status, 'completed');
    assert.match(item.id, /^msg_/);
    assert.deepEqual(item.content, [
      {
        type: 'output_text',
        text: 'This is a mock reply to: List the files This is a mock reply to: List',
        annotations: [],
      },
    ]);
    assert.equal(body.usage.input_tokens, 7);
    assert.equal(body.usage.output_tokens, 16);
    assert.equal(body.usage.total_tokens, 23);
  });

  test('a string input is counted and echoed like a single user message', async () => {
    const body = (await (await post({ model: 'o4-mini', input: 'abcdefghi' })).json()) as Record<string, any>;
    assert.equal(body.usage.input_tokens, 3);
    assert.ok((body.output[0].content[0].text as string).startsWith('This is a mock reply to: abcdefghi'));
  });

  test('responses stream emits the documented event sequence and usage', async () => {
    const res = await post({ ...codexLikeRequest, stream: true });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const events = parseEvents(await res.text());
    const types = events.map((e) => e.data.type as string);
    assert.deepEqual(types, [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array<string>(16).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    assert.ok(
      events.every((e) => e.event === e.data.type),
      'event: line matches data.type',
    );
    assert.deepEqual(
      events.map((e) => e.data.sequence_number),
      events.map((_, i) => i),
    );

    const created = events[0]?.data.response;
    assert.equal(created.status, 'in_progress');
    assert.equal(created.usage, null);
    const deltas = events.filter((e) => e.data.type === 'response.output_text.delta').map((e) => e.data.delta as string);
    const text = deltas.join('');
    assert.equal(events.find((e) => e.data.type === 'response.output_text.done')?.data.text, text);
    const itemId = events[2]?.data.item.id;
    assert.ok(events.slice(3, -2).every((e) => e.data.item_id === itemId));

    const completed = events.at(-1)?.data.response;
    assert.equal(completed.id, created.id);
    assert.equal(completed.status, 'completed');
    assert.equal(completed.output[0].content[0].text, text);
    assert.deepEqual([completed.usage.input_tokens, completed.usage.output_tokens, completed.usage.total_tokens], [7, 16, 23]);
  });

  test('max_output_tokens bounds the output and reports the response as incomplete', async () => {
    const body = (await (await post({ ...codexLikeRequest, max_output_tokens: 3 })).json()) as Record<string, any>;
    assert.equal(body.status, 'incomplete');
    assert.deepEqual(body.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal(body.output[0].content[0].text, 'This is a');
    assert.equal(body.usage.output_tokens, 3);

    const streamed = parseEvents(await (await post({ ...codexLikeRequest, max_output_tokens: 3, stream: true })).text());
    assert.equal(streamed.filter((e) => e.data.type === 'response.output_text.delta').length, 3);
    const last = streamed.at(-1)?.data;
    assert.equal(last?.type, 'response.incomplete');
    assert.equal(last?.response.usage.output_tokens, 3);
  });

  test('the responses endpoint is also served without the /v1 prefix', async () => {
    const res = await fetch(`${upstream.base}/responses`, { method: 'POST', body: JSON.stringify(codexLikeRequest) });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { object: string }).object, 'response');
  });
});
