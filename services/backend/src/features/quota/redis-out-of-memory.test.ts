import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { adminApi, metricSum, postJson, testStack, waitFor, waitForRows } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], ...extra });

const fallbacks = (reason: string) => metricSum('gateway_redis_fallbacks_total', { reason });

describe('Redis out of memory', () => {
  test('requests are still served, limited and metered through Postgres, and the fallback is counted for the alert', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 3 });
    const redis = new Redis(stack.redisUrl);
    const [, maxmemory] = (await redis.config('GET', 'maxmemory')) as [string, string];
    const before = await fallbacks('oom');
    const statuses: number[] = [];
    let streamed = '';
    try {
      // noeviction (deploy/redis/redis.conf): past maxmemory every write is refused with OOM.
      await redis.config('SET', 'maxmemory', '1');
      assert.match(String(await redis.set('cg:oom-probe', '1').catch((err: Error) => err.message)), /^OOM/);
      statuses.push((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat())).status);
      const stream = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat({ stream: true })),
      });
      statuses.push(stream.status);
      streamed = await stream.text();
      statuses.push((await postJson(`${stack.gatewayUrl}/v1/responses`, key, { model: 'gpt-5-codex', input: 'hi' })).status);
      // The daily limit holds in Postgres too.
      const fourth = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat());
      statuses.push(fourth.status);
      assert.equal(fourth.body.error?.code, 'daily_request_limit_exceeded', JSON.stringify(fourth.body));
    } finally {
      await redis.config('SET', 'maxmemory', maxmemory);
    }
    // Every worker that fell back opens the recovery window once Redis takes writes (within a
    // second); then Redis's counters hold everything again and take over.
    let quietSince = Date.now();
    await waitFor(
      'the recovery window to close',
      async () => {
        if (await redis.exists('cg:quota:recovering')) quietSince = Date.now();
        return Date.now() - quietSince > 1500;
      },
      15_000,
      100,
    );
    redis.disconnect();
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.match(streamed, /data: \[DONE\]/);
    assert.ok((await fallbacks('oom')) >= before + 3, 'gateway_redis_fallbacks_total{reason="oom"} counts them');
    // Every served request is in the books, written straight to Postgres.
    const rows = await waitForRows<{ status_code: number }>(
      'SELECT status_code FROM usage_logs WHERE user_id = $1 AND refusal IS NULL',
      [userId],
      (r) => r.length >= 3,
    );
    assert.deepEqual(rows.map((r) => r.status_code).sort(), [200, 200, 200]);
    const [day] = await waitForRows<{ request_count: number }>(
      'SELECT request_count::int FROM daily_usage WHERE user_id = $1',
      [userId],
      (r) => r.length === 1,
    );
    assert.equal(day!.request_count, 3);
  });
});
