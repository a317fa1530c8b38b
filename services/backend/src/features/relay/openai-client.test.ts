import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { adminApi, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();

describe('the official openai client pointed at the gateway', async () => {
  const { key } = await adminApi(stack).customer();
  const client = new OpenAI({ apiKey: key, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });

  test('lists models', async () => {
    const models = await client.models.list();
    assert.ok(models.data.some((m) => m.id === 'gpt-4o-mini'));
  });

  test('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
    assert.equal(completion.object, 'chat.completion');
    assert.ok(completion.choices[0]!.message.content!.length > 0);
    assert.ok(completion.usage!.total_tokens > 0);
  });

  test('streams a chat completion with usage in the last chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(text.length > 0);
    assert.ok(usage && usage.completion_tokens > 0);
  });

  test('creates and streams a response (the Codex CLI API)', async () => {
    const response = await client.responses.create({ model: 'gpt-5-codex', input: 'Write a haiku' });
    assert.equal(response.status, 'completed');
    assert.ok(response.output_text.length > 0);
    assert.ok(response.usage!.output_tokens > 0);

    const stream = await client.responses.create({ model: 'gpt-5-codex', input: 'Stream a haiku', stream: true });
    const types = new Set<string>();
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.add(event.type);
      if (event.type === 'response.completed') completed = event.response;
    }
    assert.ok(types.has('response.output_text.delta'));
    assert.ok(completed?.usage && completed.usage.total_tokens > 0);
  });

  test('a refused request surfaces as the SDK error class for its status', async () => {
    const bad = new OpenAI({ apiKey: 'sk-cg-wrong', baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.equal(err.code, 'invalid_api_key');
      return true;
    });
  });
});
