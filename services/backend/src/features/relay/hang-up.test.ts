import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import client from 'prom-client';
import { adminApi, getWithKey, postJson, stackEnv, startExtraBackend, testStack, waitForRows } from '@codex-gateway/stack/testing';
import { createApp } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';

// A client that hangs up must not pay less than the upstream charges for its answer: the
// gateway reads the answer on (bounded) and bills the usage the upstream reports.
const stack = testStack();
const admin = adminApi(stack);
const made: string[] = [];
after(async () => {
  for (const name of made) await admin.call('DELETE', `/models/${encodeURIComponent(name)}`);
});

/** Prices a mock behaviour model by its exact name (over the harness's free mock-* family): $1 / $10 per million. */
async function price(model: string, maxOutputTokens: number) {
  const res = await admin.call('POST', '/models', { name: model, input_price: 1, output_price: 10, max_output_tokens: maxOutputTokens });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  made.push(model);
  await sleep(300);
}
const costOf = (u: { prompt: number; completion: number }) => u.prompt + u.completion * 10;

type Row = { prompt_tokens: number; completion_tokens: number; reasoning_tokens: number; cost_micros: string; status_code: number };
const rowsOf = (userId: number, n: number) =>
  waitForRows<Row>(
    'SELECT prompt_tokens, completion_tokens, reasoning_tokens, cost_micros, status_code FROM usage_logs WHERE user_id = $1 AND refusal IS NULL',
    [userId],
    (r) => r.length >= n,
  );

/** Sends a stream, reads until its first content arrives, then hangs up; the status it had. */
async function hangUpAfterFirstDelta(url: string, key: string, body: object): Promise<number> {
  const abort = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
    signal: abort.signal,
  });
  if (res.status !== 200) {
    await res.text();
    return res.status;
  }
  const reader = res.body!.getReader();
  let seen = '';
  while (!/"delta"|output_text\.delta/.test(seen)) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended before the test could hang up');
    seen += Buffer.from(value).toString('utf8');
  }
  abort.abort();
  return 200;
}

describe('a client that hangs up early', () => {
  test('mid-stream, it is billed what the upstream reported for the whole answer, reasoning included', async () => {
    const model = 'mock-reasoning-300+chunk-delay-40';
    await price(model, 1000);
    const body = { model, messages: [{ role: 'user', content: 'Think hard, then answer slowly' }] };
    // What the upstream charges for this request: the same one, read to its end.
    const reference = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, (await admin.customer()).key, body);
    assert.equal(reference.status, 200);
    const charged = reference.body.usage;
    assert.equal(charged.completion_tokens_details.reasoning_tokens, 300);

    const { key, userId } = await admin.customer();
    assert.equal(await hangUpAfterFirstDelta(`${stack.gatewayUrl}/v1/chat/completions`, key, body), 200);
    const [row] = await rowsOf(userId, 1);
    assert.equal(row!.status_code, 499, 'recorded as a client that left');
    assert.equal(row!.reasoning_tokens, 300);
    assert.ok(row!.completion_tokens >= charged.completion_tokens, `billed ${row!.completion_tokens} of ${charged.completion_tokens} completion tokens`);
    assert.ok(row!.prompt_tokens >= charged.prompt_tokens);
    assert.ok(Number(row!.cost_micros) >= costOf({ prompt: charged.prompt_tokens, completion: charged.completion_tokens }));
  });

  test('a continued conversation is billed its whole context, and reserves it before it is admitted', async () => {
    const model = 'mock-chunk-delay-41';
    await price(model, 100);
    // About 1,000 tokens of conversation, then a short follow-up the client leaves early.
    const { key, userId } = await admin.customer();
    const first = await postJson(`${stack.gatewayUrl}/v1/responses`, key, { model, input: 'x '.repeat(2000), max_output_tokens: 16 });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const context = first.body.usage.input_tokens + first.body.usage.output_tokens;
    assert.ok(first.body.usage.input_tokens >= 1000);
    const follow = { model, input: 'and then?', previous_response_id: first.body.id, max_output_tokens: 16 };
    assert.equal(await hangUpAfterFirstDelta(`${stack.gatewayUrl}/v1/responses`, key, follow), 200);
    const rows = await rowsOf(userId, 2);
    const cut = rows.find((r) => r.status_code === 499);
    assert.ok(cut, JSON.stringify(rows));
    assert.ok(cut.prompt_tokens >= context, `billed ${cut.prompt_tokens} prompt tokens for a conversation of ${context}`);

    // The same conversation on a plan with room for one turn but not for its context.
    const tight = await admin.customer({ daily_token_limit: 2000 });
    const opening = await postJson(`${stack.gatewayUrl}/v1/responses`, tight.key, { model, input: 'x '.repeat(2000), max_output_tokens: 16 });
    assert.equal(opening.status, 200);
    const next = await postJson(`${stack.gatewayUrl}/v1/responses`, tight.key, { ...follow, previous_response_id: opening.body.id });
    assert.equal(next.status, 429, JSON.stringify(next.body));
    assert.equal(next.body.error.code, 'daily_token_limit_exceeded');
  });

  test('concurrent hang-ups of a reasoning model cannot pass a credit limit: what the upstream charged stays within it, and all of it is billed', async () => {
    const model = 'mock-reasoning-5000+chunk-delay-50';
    await price(model, 8000);
    const body = { model, messages: [{ role: 'user', content: 'Reason at length' }] };
    const reference = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, (await admin.customer()).key, body);
    assert.equal(reference.status, 200);
    const u = reference.body.usage;
    const each = costOf({ prompt: u.prompt_tokens, completion: u.completion_tokens });

    const limit = 300_000; // $0.30
    const { key, userId } = await admin.customer({ daily_credit_limit: limit / 1e6 });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => hangUpAfterFirstDelta(`${stack.gatewayUrl}/v1/chat/completions`, key, body)));
    const admitted = statuses.filter((s) => s === 200).length;
    assert.ok(admitted >= 1, statuses.join(' '));
    assert.ok(
      statuses.every((s) => s === 200 || s === 429),
      statuses.join(' '),
    );
    assert.ok(admitted * each <= limit, `${admitted} admitted at ${each} µ$ each: the upstream charged past a ${limit} µ$ limit`);
    const rows = await rowsOf(userId, admitted);
    const billed = rows.reduce((sum, r) => sum + Number(r.cost_micros), 0);
    assert.ok(billed >= admitted * each, `billed ${billed} µ$ of the ${admitted * each} µ$ the upstream charged`);
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
    assert.ok(Math.round(usage.cost * 1e6) <= limit);
  });

  test('an answer still running at the bound is cut there and billed as reserved', async () => {
    const model = 'mock-reasoning-50+chunk-delay-300';
    await price(model, 500);
    const config = loadConfig({
      ...stackEnv(),
      UPSTREAM_BASE_URL: `${stack.upstreamUrl}/v1`,
      HANGUP_READ_TIMEOUT_MS: '400',
      CHANNEL_PROBE_INTERVAL_MS: '0',
      DB_POOL_MAX: '3',
    });
    const app = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: 'hang-up' }), registry: new client.Registry() });
    const server = http.createServer(app.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { key, userId } = await admin.customer();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
      const started = Date.now();
      assert.equal(await hangUpAfterFirstDelta(url, key, { model, messages: [{ role: 'user', content: 'Take your time' }] }), 200);
      const [row] = await rowsOf(userId, 1);
      // 16 deltas 300 ms apart would take 4.8 s; the bound stops reading 0.4 s after the client left.
      assert.ok(Date.now() - started < 4000, 'the answer was not read to its end');
      assert.equal(row!.status_code, 499);
      assert.equal(row!.completion_tokens, 500, 'the output reserved, reasoning included');
    } finally {
      server.closeAllConnections();
      server.close();
      await app.close();
    }
  });

  test('a backend that stops while it reads an answer for a client that left bills it as reserved, and does not wait for it', async () => {
    const model = 'mock-reasoning-60+chunk-delay-2000';
    await price(model, 500);
    // The worker waits 3 s at most for its connections to close (a client may hold an idle one), then closes the gateway.
    const backend = await startExtraBackend('hang-up-stop', { DRAIN_DELAY_MS: '0', SHUTDOWN_TIMEOUT_MS: '3000' });
    try {
      const { key, userId } = await admin.customer();
      // 16 deltas 2 s apart: the answer would run for half a minute.
      const url = `${backend.url}/v1/chat/completions`;
      assert.equal(await hangUpAfterFirstDelta(url, key, { model, messages: [{ role: 'user', content: 'Take all the time' }] }), 200);
      await sleep(300);
      const stopping = Date.now();
      process.kill(backend.service.pid, 'SIGTERM');
      assert.equal(await backend.service.exited, '0');
      assert.ok(Date.now() - stopping < 10_000, `stopped in ${Date.now() - stopping} ms`);
      const [row] = await rowsOf(userId, 1);
      assert.equal(row!.status_code, 499);
      assert.equal(row!.completion_tokens, 500, 'billed as reserved');
    } finally {
      await backend.service.stop('SIGKILL', 1000);
    }
  });
});
