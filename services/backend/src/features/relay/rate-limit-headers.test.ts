import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { adminApi, testStack } from '@codex-gateway/stack/testing';
import { openAiDuration } from './rate-limit-headers.js';

const stack = testStack();
const admin = adminApi(stack);
const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello there' }], max_tokens: 20 };

describe('rate-limit headers', () => {
  test('durations are written as OpenAI writes them', () => {
    assert.equal(openAiDuration(250), '250ms');
    assert.equal(openAiDuration(1500), '1.5s');
    assert.equal(openAiDuration(6 * 60_000), '6m0s');
    assert.equal(openAiDuration(3_723_000), '1h2m3s');
  });

  test("every metered answer tells the tightest window's limit, what is left and when it resets, streamed or not", async () => {
    // 100 requests a day but 5 a minute: the minute is tighter. Tokens: 10,000 a day, 2,000 in 5 hours.
    const { key } = await admin.customer({ daily_request_limit: 100, rpm_limit: 5, daily_token_limit: 10_000, five_hour_token_limit: 2000 });
    const first = await sdk(key).chat.completions.create(chat).withResponse();
    const h = first.response.headers;
    assert.equal(h.get('x-ratelimit-limit-requests'), '5');
    assert.equal(h.get('x-ratelimit-remaining-requests'), '4');
    assert.match(h.get('x-ratelimit-reset-requests') ?? '', /^(\d+(\.\d+)?s|\d+ms)$/, 'within the minute');
    assert.equal(h.get('x-ratelimit-limit-tokens'), '2000');
    const remaining = Number(h.get('x-ratelimit-remaining-tokens'));
    // Right after admission the request's reservation (its prompt and max_tokens) is held.
    assert.ok(remaining <= 2000 - 20 && remaining > 1900, `remaining ${remaining}`);
    assert.match(h.get('x-ratelimit-reset-tokens') ?? '', /^4h59m\d+(\.\d+)?s$/);

    const { response } = await sdk(key)
      .chat.completions.create({ ...chat, stream: true })
      .withResponse();
    assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '3');
    assert.ok(Number(response.headers.get('x-ratelimit-remaining-tokens')) < remaining);

    const responses = await sdk(key).responses.create({ model: 'gpt-5-codex', input: 'hi', max_output_tokens: 16 }).withResponse();
    assert.equal(responses.response.headers.get('x-ratelimit-remaining-requests'), '2');
  });
});
