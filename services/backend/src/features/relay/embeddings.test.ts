import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { adminApi, testStack, waitForRows } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

type Row = { status_code: number; model: string; prompt_tokens: number; completion_tokens: number; cost_micros: string };
const ROWS = 'SELECT status_code, model, prompt_tokens, completion_tokens, cost_micros FROM usage_logs WHERE user_id = $1 ORDER BY created_at';
const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });

describe('embeddings', () => {
  test('a batch is embedded through the SDK, metered by its input tokens at the model price per million', async () => {
    const { key, userId } = await admin.customer();
    const input = ['The quick brown fox', 'jumps over the lazy dog', 'and runs away'];
    const { data: answer, response } = await sdk(key).embeddings.create({ model: 'text-embedding-3-small', input }).withResponse();
    assert.equal(answer.data.length, 3);
    assert.deepEqual(
      answer.data.map((d) => d.index),
      [0, 1, 2],
    );
    assert.equal(answer.data[0]!.embedding.length, 1536);
    assert.ok(answer.usage.prompt_tokens > 0);
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), null, 'a plan without request limits has no request headers');
    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.equal(row!.status_code, 200);
    assert.equal(row!.prompt_tokens, answer.usage.prompt_tokens);
    assert.equal(row!.completion_tokens, 0);
    // text-embedding-3-small: $0.02 per million tokens, so 0.02 µ$ a token, rounded half up.
    assert.equal(Number(row!.cost_micros), Math.floor(answer.usage.prompt_tokens * 0.02 + 0.5));
  });

  test('encoding_format base64 passes through (the SDK asks for it by default and decodes it)', async () => {
    const { key } = await admin.customer();
    const raw = await fetch(`${stack.gatewayUrl}/v1/embeddings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'text-embedding-3-large', input: 'hello', encoding_format: 'base64', dimensions: 8 }),
    });
    assert.equal(raw.status, 200);
    const body = (await raw.json()) as { data: Array<{ embedding: unknown }> };
    assert.equal(typeof body.data[0]!.embedding, 'string');
    assert.equal(Buffer.from(body.data[0]!.embedding as string, 'base64').length, 8 * 4, 'eight float32s');
  });

  test('a token limit is reserved from the whole batch: a batch larger than the day allows is refused, a smaller one passes', async () => {
    const { key } = await admin.customer({ daily_token_limit: 50 });
    const big = Array.from({ length: 20 }, () => 'several words of text in every item');
    await assert.rejects(sdk(key).embeddings.create({ model: 'text-embedding-3-small', input: big }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal(err.code, 'daily_token_limit_exceeded');
      return true;
    });
    const small = await sdk(key).embeddings.create({ model: 'text-embedding-3-small', input: 'short' });
    assert.equal(small.data.length, 1);
  });

  test('bad input is a 400 in OpenAI shape', async () => {
    const { key } = await admin.customer();
    for (const body of [
      { model: 'text-embedding-3-small' },
      { model: 'text-embedding-3-small', input: [] },
      { model: 'text-embedding-3-small', input: [{ a: 1 }] },
    ]) {
      const res = await fetch(`${stack.gatewayUrl}/v1/embeddings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      const error = (await res.json()) as { error: { type: string; param: string } };
      assert.equal(error.error.type, 'invalid_request_error');
      assert.equal(error.error.param, 'input');
    }
  });
});
