import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { adminApi, postJson, testDir, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello there' }], ...extra });
const sdkChat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello there' }] };

/** An SDK client with the SDK's default retry policy, counting the HTTP calls it makes. */
function countingClient(apiKey: string) {
  const calls = { count: 0 };
  const client = new OpenAI({
    apiKey,
    baseURL: `${stack.gatewayUrl}/v1`,
    fetch: (input, init) => {
      calls.count += 1;
      return fetch(input, init);
    },
  });
  return { client, calls };
}

describe('ordinary client code', () => {
  test("OpenAI's documented streaming loop, chunk.choices[0].delta.content, runs to the end", async () => {
    const { key } = await admin.customer();
    const client = new OpenAI({ apiKey: key, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say this is a test' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]!.delta.content ?? '';
    assert.match(text, /mock reply/);
  });

  test('models.retrieve finds an offered model and answers 404 in OpenAI shape for one the gateway does not offer', async () => {
    const { key } = await admin.customer();
    const client = new OpenAI({ apiKey: key, baseURL: `${stack.gatewayUrl}/v1`, maxRetries: 0 });
    const model = await client.models.retrieve('gpt-4o-mini');
    assert.equal(model.id, 'gpt-4o-mini');
    assert.equal(model.object, 'model');
    await assert.rejects(client.models.retrieve('no-such-model'), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError, String(err));
      assert.equal(err.code, 'model_not_found');
      return true;
    });
  });

  test('a daily-limit refusal or a missing package stops the SDK at once (x-should-retry: false, no Retry-After)', async () => {
    const { key } = await admin.customer({ daily_request_limit: 1 });
    const { client, calls } = countingClient(key);
    await client.chat.completions.create(sdkChat);
    calls.count = 0;
    const started = Date.now();
    await assert.rejects(client.chat.completions.create(sdkChat), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.code, 'daily_request_limit_exceeded');
      assert.equal(err.headers.get('x-should-retry'), 'false');
      assert.equal(err.headers.get('retry-after'), null);
      assert.equal(typeof (err.error as { resets_at?: unknown }).resets_at, 'number', 'resets_at for the Codex CLI');
      return true;
    });
    assert.equal(calls.count, 1, 'not retried');
    assert.ok(Date.now() - started < 2000);

    const user = await admin.createUser();
    const noPackage = countingClient((await admin.issueKey(user.id)).key);
    await assert.rejects(noPackage.client.responses.create({ model: 'gpt-5-codex', input: 'hi' }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.code, 'insufficient_quota');
      assert.equal(err.type, 'insufficient_quota');
      return true;
    });
    assert.equal(noPackage.calls.count, 1, 'not retried');
  });

  test('a wrong or revoked key is a 401 with x-should-retry: false, and the SDK gives up after one call', async () => {
    const wrong = countingClient('sk-cg-not-a-key-of-this-gateway');
    await assert.rejects(wrong.client.chat.completions.create(sdkChat), (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
      assert.equal(err.headers.get('x-should-retry'), 'false');
      assert.equal(err.headers.get('retry-after'), null);
      return true;
    });
    assert.equal(wrong.calls.count, 1, 'not retried');

    const { key, keyId } = await admin.customer();
    assert.equal((await admin.revokeKey(keyId)).status, 204);
    const revoked = countingClient(key);
    await waitFor('the revoked key refused', async () => (await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat())).status === 401, 5000);
    await assert.rejects(revoked.client.responses.create({ model: 'gpt-4o-mini', input: 'hi' }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
      assert.equal(err.headers.get('x-should-retry'), 'false');
      return true;
    });
    assert.equal(revoked.calls.count, 1, 'not retried');
  });

  test('the per-minute rate limit alone carries a short Retry-After, which the SDK honours', async () => {
    const { key, keyId } = await admin.customer({ rpm_limit: 1 });
    // The minute's counter is keyed by the minute: start well inside one, so it cannot roll over meanwhile.
    if (Date.now() % 60_000 > 45_000) await sleep(60_000 - (Date.now() % 60_000) + 100);
    const minute = Math.floor(Date.now() / 60_000);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat())).status, 200);
    const limited = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat());
    assert.equal(limited.status, 429);
    const wait = Number(limited.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    assert.equal(limited.headers.get('x-should-retry'), null);

    // The minute is nearly over: the counter ends in 2.5 s, so Retry-After says 3 s at most.
    const redis = new Redis(stack.redisUrl);
    try {
      assert.equal(await redis.pexpire(`cg:rl:${keyId}:${minute}`, 2500), 1, "the key's counter of this minute");
    } finally {
      redis.disconnect();
    }
    const calls: Array<{ sentAt: number; answeredAt: number; status: number; retryAfter: string | null }> = [];
    const client = new OpenAI({
      apiKey: key,
      baseURL: `${stack.gatewayUrl}/v1`,
      maxRetries: 2,
      fetch: async (input, init) => {
        const sentAt = Date.now();
        const res = await fetch(input, init);
        calls.push({ sentAt, answeredAt: Date.now(), status: res.status, retryAfter: res.headers.get('retry-after') });
        return res;
      },
    });
    const completion = await client.chat.completions.create(sdkChat);
    assert.equal(completion.object, 'chat.completion');
    assert.deepEqual(
      calls.map((c) => c.status),
      [429, 200],
      'refused once, then served on the retry',
    );
    const told = Number(calls[0]!.retryAfter);
    assert.ok(told >= 1 && told <= 3, `Retry-After ${calls[0]!.retryAfter}`);
    // The SDK's own backoff would retry after 0.5 s at most: waiting the full Retry-After is the proof.
    const waited = calls[1]!.sentAt - calls[0]!.answeredAt;
    assert.ok(waited >= told * 1000 - 5, `retried ${waited} ms after a Retry-After of ${told} s`);
  });
});

describe("the operator's upstream account stays private", () => {
  test("upstream headers naming the operator's organisation, rate limits or cookies do not reach the customer", async () => {
    const { key } = await admin.customer();
    const direct = await fetch(`${stack.upstreamUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat()),
    });
    assert.ok(direct.headers.get('openai-organization'), 'the mock sends them, as the real API does');
    for (const body of [chat(), chat({ stream: true })]) {
      const res = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await res.text();
      assert.equal(res.status, 200);
      const names = [...res.headers.keys()];
      for (const name of names)
        assert.doesNotMatch(name, /^(openai-organization|openai-project|openai-version|x-ratelimit-|set-cookie|cf-ray)/, `${name} leaked`);
      assert.ok(res.headers.get('x-upstream-request-id'), "the upstream's request id, under the gateway's name");
      assert.notEqual(res.headers.get('x-request-id'), res.headers.get('x-upstream-request-id'));
    }
  });

  test("an upstream 401 (the operator's key refused) is a generic 502 for the customer and a log line for the operator; a 403 for the request alone is the customer's, blanked", async () => {
    const { key } = await admin.customer();
    const refused = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ model: 'mock-error-401' }));
    assert.equal(refused.status, 502);
    assert.equal(refused.body.error.type, 'upstream_error');
    assert.equal(refused.body.error.code, 'upstream_auth_failed');
    assert.doesNotMatch(JSON.stringify(refused.body), /sk-|org-|Incorrect API key|organization/i);

    const forbidden = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ model: 'mock-error-403' }));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.type, 'invalid_request_error');
    assert.match(forbidden.body.error.message, /must be verified to use the model/);
    assert.doesNotMatch(JSON.stringify(forbidden.body), /sk-|org-[A-Za-z0-9]{4}|proj_[A-Za-z0-9]{4}/);
    // The operator learns why, from the backend log (without the key).
    const logs = () =>
      readdirSync(path.join(testDir(), 'logs'))
        .filter((f) => f.startsWith('backend-'))
        .map((f) => readFileSync(path.join(testDir(), 'logs', f), 'utf8'))
        .join('\n');
    const logged = () =>
      logs()
        .split('\n')
        .some((line) => line.includes('upstream refused the gateway') && line.includes('upstream answered 401'));
    await waitFor('the log line', async () => logged(), 5000, 100);
  });

  test("an upstream error that names the operator's organisation is passed on with the identifiers blanked", async () => {
    const { key } = await admin.customer();
    const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ model: 'mock-error-429' }));
    assert.equal(res.status, 429);
    assert.match(res.body.error.message, /Rate limit reached/);
    assert.doesNotMatch(res.body.error.message, /org-[A-Za-z0-9]{4}/);
  });
});
