import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { adminApi, mockConfig, testStack, waitForRows, waitForUsageFlushed } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

type Row = {
  request_id: string;
  status_code: number;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  cost_micros: string;
  stream: boolean;
  channel: string;
};
const ROWS = `SELECT request_id, status_code, model, prompt_tokens, completion_tokens, cached_tokens, cache_write_tokens, cost_micros, stream, channel
                FROM usage_logs WHERE user_id = $1 ORDER BY created_at`;

const client = (apiKey: string, options: Partial<ConstructorParameters<typeof Anthropic>[0]> = {}) =>
  new Anthropic({ apiKey, baseURL: stack.gatewayUrl, maxRetries: 0, ...options });
const ask = (model: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) => ({
  model,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Hello from the Anthropic SDK' }],
  ...extra,
});

/** µ$ at $/M prices, rounded half up (domain/money.ts). */
const micros = (tokens: number, dollarsPerMillion: number) => tokens * dollarsPerMillion;

describe("Anthropic's Messages API", () => {
  test("the SDK's messages.create is answered, metered from Anthropic's usage and priced at the catalogue's Claude price", async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 10 });
    const { data: message, response } = await client(key).messages.create(ask('claude-sonnet-4-5')).withResponse();
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.match((message.content[0] as Anthropic.TextBlock).text, /mock reply/);
    assert.equal(message.stop_reason, 'end_turn');
    // What is left of the plan, in Anthropic's headers.
    assert.equal(response.headers.get('anthropic-ratelimit-requests-limit'), '10');
    assert.equal(response.headers.get('anthropic-ratelimit-requests-remaining'), '9');
    assert.match(response.headers.get('anthropic-ratelimit-requests-reset') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), null, "not OpenAI's names on Anthropic's API");

    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.equal(row!.status_code, 200);
    assert.equal(row!.model, 'claude-sonnet-4-5');
    assert.equal(row!.channel, 'anthropic');
    assert.equal(row!.prompt_tokens, message.usage.input_tokens);
    assert.equal(row!.completion_tokens, message.usage.output_tokens);
    // Sonnet 4.5: $3 in, $15 out per million.
    const cost = micros(message.usage.input_tokens, 3) + micros(message.usage.output_tokens, 15);
    assert.equal(Number(row!.cost_micros), cost);
  });

  test('cache reads and writes are input tokens, each billed at its own catalogue price', async () => {
    const model = 'mock-cached-3+cachewrite-5';
    const priced = await admin.call('POST', '/models', {
      name: model,
      input_price: 3,
      cached_input_price: 0.3,
      cache_write_price: 3.75,
      output_price: 15,
      notes: 'priced by a test',
    });
    assert.ok(priced.status === 201 || priced.status === 409, JSON.stringify(priced.body));
    const { key, userId } = await admin.customer();
    const long = 'word '.repeat(40);
    const message = await client(key).messages.create(ask(model, { system: long }));
    const { usage } = message;
    assert.equal(usage.cache_read_input_tokens, 3);
    assert.equal(usage.cache_creation_input_tokens, 5);
    const prompt = usage.input_tokens + 3 + 5;
    const [row] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.deepEqual([row!.prompt_tokens, row!.cached_tokens, row!.cache_write_tokens, row!.completion_tokens], [prompt, 3, 5, usage.output_tokens]);
    // µ$ per token = $ per million: 0.3 read, 3.75 written, 3 the rest, 15 out; rounded once.
    const exact = usage.input_tokens * 3 + 3 * 0.3 + 5 * 3.75 + usage.output_tokens * 15;
    assert.equal(Number(row!.cost_micros), Math.floor(exact + 0.5));
  });

  test('a stream passes every event of the protocol in order, ping included, and is billed from message_delta', async () => {
    const { key, userId } = await admin.customer();
    // On the wire: the SDK's own stream reader drops ping events.
    const res = await fetch(`${stack.gatewayUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('claude-haiku-4-5'), stream: true }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const names = [...(await res.text()).matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(
      names.filter((t, i) => t !== names[i - 1]),
      ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );

    const final = await client(key).messages.stream(ask('claude-haiku-4-5')).finalMessage();
    assert.match((final.content[0] as Anthropic.TextBlock).text, /mock reply/);
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 2);
    for (const row of rows) {
      assert.equal(row.stream, true);
      assert.equal(row.status_code, 200);
      assert.equal(row.prompt_tokens, final.usage.input_tokens);
      assert.equal(row.completion_tokens, final.usage.output_tokens);
    }
  });

  test('a tool-using turn: tool_use, then the tool_result answered in text', async () => {
    const { key } = await admin.customer();
    const tools: Anthropic.Tool[] = [
      { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    ];
    const first = await client(key).messages.create(ask('mock-tools', { tools }));
    assert.equal(first.stop_reason, 'tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.ok(use, 'a tool_use block');
    assert.equal(use.name, 'get_weather');
    const second = await client(key).messages.create(
      ask('mock-tools', {
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Sunny and 21 degrees' }] },
        ],
      }),
    );
    assert.equal(second.stop_reason, 'end_turn');
    assert.match((second.content[0] as Anthropic.TextBlock).text, /Tool output received/);
  });

  test('the key is taken as x-api-key or as a bearer token (Claude Code), and refused in Anthropic error shape', async () => {
    const { key } = await admin.customer();
    const viaHeader = await client(key).messages.create(ask('claude-haiku-4-5'));
    assert.equal(viaHeader.type, 'message');
    const viaBearer = await new Anthropic({ authToken: key, apiKey: null, baseURL: stack.gatewayUrl, maxRetries: 0 }).messages.create(ask('claude-haiku-4-5'));
    assert.equal(viaBearer.type, 'message');

    const res = await fetch(`${stack.gatewayUrl}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-cg-wrong', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(ask('claude-haiku-4-5')),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { type: string; error: { type: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'authentication_error');
    assert.equal(res.headers.get('x-should-retry'), 'false');
    await assert.rejects(client('sk-cg-wrong').messages.create(ask('claude-haiku-4-5')), Anthropic.AuthenticationError);
  });

  test('bad input is a 400 in Anthropic error shape, before anything is sent upstream', async () => {
    const { key } = await admin.customer();
    for (const [body, field] of [
      [{ model: 'claude-haiku-4-5', max_tokens: 10 }, 'messages'],
      [{ model: 'claude-haiku-4-5', max_tokens: 0, messages: [] }, 'max_tokens'],
      [{ max_tokens: 10, messages: [] }, 'model'],
      [{ model: 'claude\u0000haiku', max_tokens: 10, messages: [] }, 'model'],
    ] as const) {
      const res = await fetch(`${stack.gatewayUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 400, JSON.stringify(body));
      const error = (await res.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(error.type, 'error');
      assert.equal(error.error.type, 'invalid_request_error');
      assert.match(error.error.message, new RegExp(field));
    }
  });

  test('a daily limit stops the SDK at once with the reset time, in a rate_limit_error it does not retry', async () => {
    const { key } = await admin.customer({ daily_request_limit: 1 });
    let calls = 0;
    const counting = client(key, {
      maxRetries: 2,
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        calls += 1;
        return fetch(input, init);
      },
    });
    await counting.messages.create(ask('claude-haiku-4-5'));
    calls = 0;
    await assert.rejects(counting.messages.create(ask('claude-haiku-4-5')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError, String(err));
      const error = (err.error as { error: { type: string; message: string; code: string } }).error;
      assert.equal(error.type, 'rate_limit_error');
      assert.equal(error.code, 'daily_request_limit_exceeded');
      assert.match(error.message, /resets at \d{4}-\d\d-\d\d/);
      return true;
    });
    assert.equal(calls, 1, 'x-should-retry: false keeps the SDK from retrying');
  });

  test('an upstream error keeps its Anthropic type and is not billed; a stream the upstream fails ends with an error event', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 5 });
    await assert.rejects(client(key).messages.create(ask('mock-error-529')), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal(err.status, 529);
      assert.equal((err.error as { error: { type: string } }).error.type, 'overloaded_error');
      return true;
    });
    const stream = client(key).messages.stream(ask('mock-fail-after-3'));
    await assert.rejects(stream.finalMessage(), (err: unknown) => {
      assert.match(String(err), /overloaded|Overloaded/i);
      return true;
    });
    await waitForUsageFlushed();
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 2);
    assert.deepEqual(
      rows.map((r) => r.status_code),
      [529, 502],
    );
    const [day] = await waitForRows<{ request_count: number }>('SELECT request_count::int FROM daily_usage WHERE user_id = $1', [userId], () => true);
    assert.equal(day?.request_count ?? 0, 0, 'neither counts against the daily limit');
  });

  test('count_tokens answers from the upstream and is not billed; models list in Anthropic shape', async () => {
    const { key, userId } = await admin.customer();
    const count = await client(key).messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Count these words for me' }] });
    assert.equal(typeof count.input_tokens, 'number');
    assert.ok(count.input_tokens > 0);
    const models = await client(key).models.list();
    const ids = models.data.map((m) => m.id);
    assert.ok(ids.includes('claude-opus-4-8'), "Claude Code's default model is sold");
    assert.equal(models.data[0]!.type, 'model');
    await waitForUsageFlushed();
    const rows = await waitForRows<Row>(ROWS, [userId], () => true);
    assert.equal(rows.length, 0, 'count_tokens is free');
  });

  test('a stream its client leaves is billed for what the upstream wrote (status 499); one the upstream cuts, only for what was delivered', async () => {
    const { key, userId } = await admin.customer();
    await mockConfig(stack.upstreamUrl, { chunkDelayMs: 40 });
    let seen = 0;
    try {
      const abort = new AbortController();
      const res = await fetch(`${stack.gatewayUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ ...ask('claude-haiku-4-5'), stream: true }),
        signal: abort.signal,
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (seen < 4) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
        seen = (text.match(/event: content_block_delta/g) ?? []).length;
      }
      abort.abort();
    } finally {
      await mockConfig(stack.upstreamUrl, { chunkDelayMs: 0 });
    }
    const [left] = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 1);
    assert.equal(left!.status_code, 499);
    assert.ok(left!.completion_tokens >= seen && left!.completion_tokens <= 16, `billed ${left!.completion_tokens} for ${seen} seen`);
    assert.ok(left!.prompt_tokens > 0, 'the prompt was read by the upstream');

    const cut = await fetch(`${stack.gatewayUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ ...ask('mock-drop-after-3'), stream: true }),
    });
    const text = await cut.text();
    assert.match(text, /event: error/, 'the client is told the upstream broke off, in its own protocol');
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.length === 2);
    const broken = rows.find((r) => r.model === 'mock-drop-after-3')!;
    assert.equal(broken.status_code, 502);
    assert.deepEqual([broken.prompt_tokens, broken.completion_tokens], [0, 3], 'three deltas delivered, the prompt not charged');
    const [day] = await waitForRows<{ request_count: number }>(
      'SELECT request_count::int FROM daily_usage WHERE user_id = $1',
      [userId],
      (r) => r.length === 1,
    );
    assert.equal(day!.request_count, 1, 'only the answer its client left counts as a request');
  });

  test('token and credit limits refuse a message whose max_tokens they cannot cover', async () => {
    const tokens = await admin.customer({ daily_token_limit: 100 });
    await assert.rejects(client(tokens.key).messages.create(ask('claude-haiku-4-5', { max_tokens: 500 })), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError, String(err));
      assert.equal((err.error as { error: { code: string } }).error.code, 'daily_token_limit_exceeded');
      return true;
    });
    assert.equal((await client(tokens.key).messages.create(ask('claude-haiku-4-5', { max_tokens: 50 }))).type, 'message');
    // Opus 4.5 writes at $25 a million: 10,000 tokens reserve $0.25, more than a $0.10 day.
    const credits = await admin.customer({ daily_credit_limit: 0.1 });
    await assert.rejects(client(credits.key).messages.create(ask('claude-opus-4-5', { max_tokens: 10_000 })), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError, String(err));
      assert.equal((err.error as { error: { code: string } }).error.code, 'daily_credit_limit_exceeded');
      return true;
    });
  });

  test('concurrent requests against a remaining budget let exactly that many through, each counted once', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 7 });
    const sdk = client(key);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => sdk.messages.create(ask('claude-haiku-4-5'))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 7);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof Anthropic.RateLimitError, String(r.reason));
    await waitForUsageFlushed();
    const rows = await waitForRows<Row>(ROWS, [userId], (r) => r.filter((x) => x.status_code === 200).length === 7);
    assert.equal(rows.filter((r) => r.status_code === 200).length, 7);
    const [day] = await waitForRows<{ request_count: number }>(
      'SELECT request_count::int FROM daily_usage WHERE user_id = $1',
      [userId],
      (r) => r.length === 1,
    );
    assert.equal(day!.request_count, 7);
  });
});
