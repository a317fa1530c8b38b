import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, mockForThisFile, parseSse, payloads, postJson } from './test-support.js';

const upstream = mockForThisFile();

// "Hello there, how are you today?" is 31 characters: 8 prompt tokens.
const messages = [{ role: 'user', content: 'Hello there, how are you today?' }];
// "List the files" is 14 characters: 4 input tokens.
const input = 'List the files';

function chat(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/chat/completions`, { messages, ...body });
}

function responses(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/responses`, { input, ...body });
}

describe('usage details: cached and reasoning tokens', () => {
  test('chat usage has prompt_tokens_details and completion_tokens_details, 0 by default', async () => {
    const body = (await (await chat({ model: 'gpt-4o' })).json()) as Record<string, any>;
    assert.deepEqual(body.usage, {
      prompt_tokens: 8,
      completion_tokens: 16,
      total_tokens: 24,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test('cached-<n> and reasoning-<n> on a chat completion, plain and streamed', async () => {
    const body = (await (await chat({ model: 'mock-cached-5+reasoning-30' })).json()) as Record<string, any>;
    const expected = {
      prompt_tokens: 8,
      completion_tokens: 46,
      total_tokens: 54,
      prompt_tokens_details: { cached_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 30 },
    };
    assert.deepEqual(body.usage, expected);
    const text = body.choices[0].message.content as string;
    assert.equal(text.split(' ').length, 16, 'reasoning is not emitted');

    const res = await chat({ model: 'mock-cached-5+reasoning-30', stream: true, stream_options: { include_usage: true } });
    const chunks = payloads(parseSse(await res.text()));
    assert.deepEqual(chunks.at(-1)?.usage, expected);
    const deltas = chunks.filter((c) => typeof c.choices[0]?.delta?.content === 'string' && c.choices[0].delta.content !== '');
    assert.equal(deltas.length, 16);
  });

  test('cached tokens never exceed the prompt tokens', async () => {
    const body = (await (await chat({ model: 'mock-cached-1000' })).json()) as Record<string, any>;
    assert.equal(body.usage.prompt_tokens_details.cached_tokens, 8);
    assert.equal(body.usage.prompt_tokens, 8);
    assert.equal(body.usage.total_tokens, 24);
  });

  test('responses usage fills input_tokens_details and output_tokens_details, plain and in response.completed', async () => {
    const plain = (await (await responses({ model: 'gpt-5-codex' })).json()) as Record<string, any>;
    assert.deepEqual(plain.usage, {
      input_tokens: 4,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 16,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 20,
    });
    const expected = {
      input_tokens: 4,
      input_tokens_details: { cached_tokens: 3 },
      output_tokens: 16 + 64,
      output_tokens_details: { reasoning_tokens: 64 },
      total_tokens: 4 + 16 + 64,
    };
    const body = (await (await responses({ model: 'mock-reasoning-64+cached-3' })).json()) as Record<string, any>;
    assert.deepEqual(body.usage, expected);
    assert.equal(body.output.length, 1, 'no reasoning item');

    const events = payloads(parseSse(await (await responses({ model: 'mock-reasoning-64+cached-3', stream: true })).text()));
    const completed = events.at(-1);
    assert.equal(completed?.type, 'response.completed');
    assert.deepEqual(completed?.response.usage, expected);
    assert.equal(events.filter((e) => e.type === 'response.output_text.delta').length, 16);
  });

  test('with max_output_tokens the reasoning still counts, in response.incomplete', async () => {
    const events = payloads(parseSse(await (await responses({ model: 'mock-reasoning-10', stream: true, max_output_tokens: 3 })).text()));
    const last = events.at(-1);
    assert.equal(last?.type, 'response.incomplete');
    assert.equal(last?.response.usage.output_tokens, 13);
    assert.equal(last?.response.usage.output_tokens_details.reasoning_tokens, 10);
  });

  test('a malformed count is an unknown option', async () => {
    for (const model of ['mock-cached-', 'mock-reasoning-x', 'mock-cached-1234567890']) {
      const res = await chat({ model });
      assert.equal(res.status, 400, model);
      assert.equal((await errorOf(res)).code, 'invalid_value');
    }
  });
});
