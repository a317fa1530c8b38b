import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { adminApi, getWithKey, postJson, testStack, waitForModelOnEveryWorker, waitForRows } from '@codex-gateway/stack/testing';
import { costMicros } from '../../domain/money.js';
import { estimatePromptTokens } from '../relay/prompt-estimate.js';

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

/** Prices a model, and waits until every worker sells it (`key` sees it in /v1/models). */
async function priceModel(key: string, name: string, input: number, output: number, cached?: number) {
  const res = await admin.call('POST', '/models', {
    name,
    input_price: input,
    output_price: output,
    ...(cached === undefined ? {} : { cached_input_price: cached }),
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await waitForModelOnEveryWorker(key, name);
}

/** The most a request can cost, as the gateway reserves it before the upstream answers (µ$). */
const reserveOf = (body: { max_tokens: number }, price: { input: number; output: number }) =>
  costMicros(
    { inputPriceMicros: price.input, cachedInputPriceMicros: price.input, cacheWritePriceMicros: price.input, outputPriceMicros: price.output },
    { promptTokens: estimatePromptTokens(body), cachedTokens: 0, completionTokens: body.max_tokens },
  );

describe('plans that bill fairly', () => {
  test('a credit limit holds exactly under 100 concurrent requests across replicas: the books and the answers agree to the micro-dollar', async () => {
    const model = unique('credit-model');
    const price = { input: 2_000_000, output: 8_000_000 };
    const { key, userId } = await admin.customer({ daily_credit_limit: 0.01 });
    await priceModel(key, model, 2, 8); // $2 / $8 per million tokens
    const answers = await Promise.all(Array.from({ length: 100 }, () => postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model))));
    // Requests in flight reserved their most; what they left unspent is given back: one at
    // a time, the limit admits until the next request's reserve no longer fits.
    for (let i = 0; i < 100; i += 1) {
      answers.push(await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model)));
      if (answers.at(-1)!.status !== 200) break;
    }
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    assert.ok(ok.length > 0 && refused.length > 0, `${ok.length} served, ${refused.length} refused`);
    assert.notEqual(answers.at(-1)!.status, 200, 'the last request was refused');
    for (const r of refused) {
      assert.equal(r.status, 429);
      assert.equal(r.body.error.code, 'daily_credit_limit_exceeded', JSON.stringify(r.body));
    }
    const expected = ok.reduce((sum, a) => sum + costOf(a.body.usage, price), 0);
    const reserve = reserveOf(chat(model), price);
    assert.ok(expected <= 10_000, `spent ${expected} µ$ of a 10000 µ$ limit`);
    assert.ok(expected + reserve > 10_000, `spent ${expected} µ$ and refused a request reserving ${reserve} µ$, though it fitted the 10000 µ$ limit`);
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
    const { key, userId } = await admin.customer();
    await admin.call('DELETE', `/models/${encodeURIComponent(model)}`);
    await priceModel(key, model, 1, 4, 0.5);
    const first = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model));
    assert.equal(first.status, 200);
    assert.equal(first.body.usage.prompt_tokens_details.cached_tokens, 4);
    assert.equal(first.body.usage.completion_tokens_details.reasoning_tokens, 6);
    const patched = await admin.call('PATCH', `/models/${encodeURIComponent(model)}`, { input_price: 10, output_price: 40, cached_input_price: 5 });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    // A model added after the change: a worker that sells it has loaded the new price too.
    const marker = unique('price-marker');
    await priceModel(key, marker, 0, 0);
    await admin.call('DELETE', `/models/${encodeURIComponent(marker)}`);
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

  describe('a weekly credit limit and a daily request limit hold together: whichever is reached first refuses', () => {
    const price = { input: 100_000_000, output: 100_000_000 };
    /** Sends until the first refusal: what was spent, the refusal, and the windows then. */
    async function spendUntilRefused(limits: { daily_request_limit: number; weekly_credit_limit: number }) {
      const { key } = await admin.customer(limits);
      const model = unique('weekly-model');
      await priceModel(key, model, 100, 100);
      let spent = 0;
      for (let served = 0; served < 50; served += 1) {
        const answer = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat(model));
        if (answer.status !== 200) {
          const windows = (await usageOf(key)).windows as Array<{ window: string; request_count: number; cost: number }>;
          return {
            spent,
            served,
            answer,
            reserve: reserveOf(chat(model), price),
            day: windows.find((w) => w.window === 'day')!,
            week: windows.find((w) => w.window === 'week')!,
          };
        }
        spent += costOf(answer.body.usage, price);
      }
      assert.fail('50 requests and no refusal');
    }

    test('the daily request limit, reached first while the week has credit left', async () => {
      const { spent, served, answer, reserve, day, week } = await spendUntilRefused({ daily_request_limit: 2, weekly_credit_limit: 0.02 });
      assert.equal(answer.status, 429);
      assert.equal(answer.body.error.code, 'daily_request_limit_exceeded', JSON.stringify(answer.body));
      assert.equal(served, 2);
      assert.equal(day.request_count, 2);
      assert.equal(Math.round(week.cost * 1e6), spent);
      assert.ok(spent + reserve <= 20_000, `the week had room for another request: ${spent} + ${reserve} µ$ of 20000`);
    });

    test('the weekly credit limit, reached first while the day has requests left', async () => {
      const { spent, served, answer, reserve, day, week } = await spendUntilRefused({ daily_request_limit: 1000, weekly_credit_limit: 0.02 });
      assert.equal(answer.status, 429);
      assert.equal(answer.body.error.code, 'weekly_credit_limit_exceeded', JSON.stringify(answer.body));
      assert.ok(served > 0 && day.request_count === served && served < 1000, `${served} served of 1000 a day`);
      assert.ok(spent <= 20_000 && spent + reserve > 20_000, `spent ${spent} µ$ and refused a request reserving ${reserve} µ$ of 20000`);
      assert.equal(Math.round(week.cost * 1e6), spent);
    });
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
