import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { adminApi, getWithKey, postJson, testStack, waitForRows } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'Bill me fairly' }],
  max_tokens: 50,
  ...extra,
});
const unique = (what: string) => `${what}-${process.pid}-${Date.now()}`;

type Usage = { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } };
/** The cost the gateway must charge, worked out here from the answer's usage (micro-dollars; prices in micro-dollars per million). */
const costOf = (u: Usage, price: { input: number; cached?: number; output: number }) => {
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return Math.round(((u.prompt_tokens - cached) * price.input + cached * (price.cached ?? price.input) + u.completion_tokens * price.output) / 1e6);
};

async function usageOf(key: string) {
  return JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
}

async function priceModel(name: string, input: number, output: number, cached?: number) {
  const res = await admin.call('POST', '/models', {
    name,
    input_price: input,
    output_price: output,
    ...(cached === undefined ? {} : { cached_input_price: cached }),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  // Every worker reloads the catalogue from the invalidation bus.
  await sleep(300);
}

describe('plans that bill fairly', () => {
  test('a credit limit holds exactly under 100 concurrent requests across replicas: the books and the answers agree to the micro-dollar', async () => {
    const model = unique('credit-model');
    await priceModel(model, 2, 8); // $2 / $8 per million tokens
    const { key, userId } = await admin.customer({ daily_credit_limit: 0.01 });
    const answers = await Promise.all(Array.from({ length: 100 }, () => postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model))));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    assert.ok(ok.length > 0 && refused.length > 0, `${ok.length} served, ${refused.length} refused`);
    for (const r of refused) {
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, 'daily_credit_limit_exceeded', JSON.stringify(r.body));
    }
    const expected = ok.reduce((sum, a) => sum + costOf(a.body.usage, { input: 2_000_000, output: 8_000_000 }), 0);
    assert.ok(expected <= 10_000, `spent ${expected} µ$ of a 10000 µ$ limit`);
    const usage = await usageOf(key);
    assert.equal(Math.round(usage.cost * 1e6), expected, 'the live counters hold exactly what was served');
    const rows = await waitForRows<{ cost: string; n: string }>(
      'SELECT coalesce(sum(cost_micros), 0) AS cost, count(*) AS n FROM usage_logs WHERE user_id = $1 AND status_code = 200',
      [userId],
      (r) => Number(r[0]?.n) === ok.length,
    );
    assert.equal(Number(rows[0]!.cost), expected, 'usage_logs holds each request at its cost');
    const day = usage.windows.find((w: { window: string }) => w.window === 'day');
    assert.equal(day.credit_limit, 0.01);
  });

  test('a request is billed at the price in force when it was served, with its cached and reasoning tokens; a later price change leaves it alone', async () => {
    const model = 'mock-cached-4+reasoning-6';
    await admin.call('DELETE', `/models/${encodeURIComponent(model)}`);
    await priceModel(model, 1, 4, 0.5);
    const { key, userId } = await admin.customer();
    const first = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model));
    assert.equal(first.status, 200);
    assert.equal(first.body.usage.prompt_tokens_details.cached_tokens, 4);
    assert.equal(first.body.usage.completion_tokens_details.reasoning_tokens, 6);
    const patched = await admin.call('PATCH', `/models/${encodeURIComponent(model)}`, { input_price: 10, output_price: 40, cached_input_price: 5 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await sleep(300);
    const second = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model));
    const rows = await waitForRows<{ request_id: string; cached_tokens: number; reasoning_tokens: number; cost_micros: number; channel: string }>(
      'SELECT request_id, cached_tokens, reasoning_tokens, cost_micros, channel FROM usage_logs WHERE user_id = $1 ORDER BY created_at',
      [userId],
      (r) => r.length === 2,
    );
    assert.deepEqual(
      rows.map((r) => [r.cached_tokens, r.reasoning_tokens, Number(r.cost_micros)]),
      [
        [4, 6, costOf(first.body.usage, { input: 1_000_000, cached: 500_000, output: 4_000_000 })],
        [4, 6, costOf(second.body.usage, { input: 10_000_000, cached: 5_000_000, output: 40_000_000 })],
      ],
    );
    assert.ok(
      rows.every((r) => r.channel),
      'the serving channel is recorded',
    );
    await admin.call('DELETE', `/models/${encodeURIComponent(model)}`);
  });

  test("a model outside the package is refused with 403 in OpenAI's shape, and /v1/models lists only the package's models", async () => {
    const { key } = await admin.customer({ models: ['gpt-4o-mini'] });
    const refused = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat('gpt-4o'));
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'model_not_allowed');
    assert.match(refused.body.error.message, /gpt-4o/);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat('gpt-4o-mini'))).status, 200);
    const models = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/models`, key)).body);
    assert.deepEqual(
      models.data.map((m: { id: string }) => m.id),
      ['gpt-4o-mini'],
    );
  });

  test('a 5-hour window refuses past its limit until it ends, then begins again with the next request', async () => {
    const { key, userId } = await admin.customer({ five_hour_request_limit: 3 });
    for (let i = 0; i < 3; i += 1) assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat('gpt-4o-mini'))).status, 200);
    const fourth = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat('gpt-4o-mini'));
    assert.equal(fourth.status, 429);
    assert.equal(fourth.body.error.code, 'five_hour_request_limit_exceeded');
    const window = (await usageOf(key)).windows.find((w: { window: string }) => w.window === 'five_hour');
    assert.equal(window.request_count, 3);
    assert.equal(window.request_limit, 3);
    assert.equal(Date.parse(window.resets_at) - Date.parse(window.started_at), 5 * 3600_000);
    assert.equal(fourth.body.error.message.includes(window.resets_at), true, fourth.body.error.message);
    // Five hours pass: the window's start moves back past its length.
    const redis = new Redis(stack.redisUrl);
    try {
      await redis.hset(`cg:w5:${userId}`, 's', String(Date.now() - 5 * 3600_000 - 1000));
    } finally {
      redis.disconnect();
    }
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat('gpt-4o-mini'))).status, 200);
    const fresh = (await usageOf(key)).windows.find((w: { window: string }) => w.window === 'five_hour');
    assert.equal(fresh.request_count, 1);
    assert.ok(Date.now() - Date.parse(fresh.started_at) < 10_000, 'the new window began with this request');
    const today = (await usageOf(key)).windows.find((w: { window: string }) => w.window === 'day');
    assert.equal(today.request_count, 4, 'the day counts every request served');
  });

  test('a weekly credit limit and a daily request limit hold together: whichever is reached first refuses', async () => {
    const model = unique('weekly-model');
    await priceModel(model, 100, 100);
    const { key } = await admin.customer({ daily_request_limit: 1000, weekly_credit_limit: 0.02 });
    let last: { status: number; body: { error?: { code: string } } } | undefined;
    let spent = 0;
    for (let i = 0; i < 50; i += 1) {
      last = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model));
      if (last.status !== 200) break;
      spent += costOf((last.body as { usage: Usage }).usage, { input: 100_000_000, output: 100_000_000 });
    }
    assert.equal(last?.status, 429);
    assert.equal(last?.body.error?.code, 'weekly_credit_limit_exceeded');
    assert.ok(spent <= 20_000, `spent ${spent} µ$ of 20000`);
    const week = (await usageOf(key)).windows.find((w: { window: string }) => w.window === 'week');
    assert.equal(Math.round(week.cost * 1e6), spent);
  });

  test('a key holds at most its plan’s concurrent streams; plain requests and later streams still pass', async () => {
    const { key } = await admin.customer({ max_concurrent_streams: 2 });
    const stream = () =>
      fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat('mock-chunk-delay-150', { stream: true })),
      });
    const open = await Promise.all([stream(), stream()]);
    assert.deepEqual(
      open.map((r) => r.status),
      [200, 200],
    );
    const third = await stream();
    assert.equal(third.status, 429);
    assert.equal(((await third.json()) as { error: { code: string } }).error.code, 'concurrent_stream_limit_exceeded');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat('gpt-4o-mini'))).status, 200, 'a plain request is not a stream');
    await Promise.all(open.map((r) => r.text()));
    const later = await stream();
    assert.equal(later.status, 200);
    await later.text();
  });
});
