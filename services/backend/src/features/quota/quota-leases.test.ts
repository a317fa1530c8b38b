import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adminApi, getWithKey, postJson, stackEnv, testStack, waitForRows } from '@codex-gateway/stack/testing';
import { businessDay } from '../../domain/business-day.js';
import { loadConfig } from '../../infra/config.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { createDailyUsageStore } from '../usage/daily-usage-store.js';
import { LEASE_MS } from './quota-leases.js';
import { createRedisQuota } from './redis-quota.js';

const stack = testStack();
const admin = adminApi(stack);
const timeZone = loadConfig({ ...process.env, ...stackEnv() }).quota.timeZone;
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 };
const redis = new Redis(stack.redisUrl);
after(() => redis.disconnect());

/** `total` requests, `concurrency` at a time, spread over the gateway and every replica; the statuses. */
async function burst(key: string, total: number, concurrency: number): Promise<number[]> {
  const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        statuses.push((await postJson(`${targets[i % targets.length]}/v1/chat/completions`, key, chat)).status);
      }
    }),
  );
  return statuses;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

describe('quota leases', () => {
  test('a busy customer far from its limit is served from leases: every request is counted once, and the leases go back within a second', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 100_000, daily_token_limit: 100_000_000 });
    const day = `cg:q:${userId}:${businessDay(timeZone)}`;
    let held = 0;
    const watch = setInterval(async () => {
      held = Math.max(held, Number((await redis.hget(day, 'lreq')) ?? 0));
    }, 5);
    const statuses = await burst(key, 300, 12);
    clearInterval(watch);
    assert.equal(count(statuses, 200), 300);
    assert.ok(held > 0, 'while it was busy, leases held part of its day');
    // What /v1/usage shows leaves out what leases hold: exactly the requests served.
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
    assert.equal(usage.request_count, 300);
    await sleep(LEASE_MS * 2);
    const counters = await redis.hgetall(day);
    assert.equal(counters.req, '300', 'the leases gave back every request nobody drew');
    assert.equal(Number(counters.lreq), 0);
    assert.equal(Number(counters.tok), Number(counters.pt) + Number(counters.ct), 'nothing is reserved once the leases are back');
  });

  test('leases never let a customer past its limit: of 1,300 requests against 1,000, exactly 1,000 are served, and the books say 1,000', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 1000 });
    const first = await burst(key, 1300, 40);
    const servedFirst = count(first, 200);
    assert.ok(servedFirst <= 1000, `served ${servedFirst}`);
    assert.equal(servedFirst + count(first, 429), 1300);
    // A refusal while another worker held part of the day in a lease lasts until the lease goes back.
    await sleep(LEASE_MS * 2);
    const second = await burst(key, 1000 - servedFirst + 20, 5);
    assert.equal(servedFirst + count(second, 200), 1000);
    assert.equal(count(second, 429), 20);
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
    assert.equal(usage.request_count, 1000);
    await waitForRows<{ request_count: number }>(
      'SELECT request_count::int FROM daily_usage WHERE user_id = $1',
      [userId],
      (rows) => rows[0]?.request_count === 1000,
    );
  });

  test('a lease its worker never gave back (it died) is reclaimed by the next reservation of the day; a request drawn from it that settles later counts afresh', async () => {
    const db = new pg.Pool({ connectionString: stack.postgres.primaryUrl, max: 1 });
    try {
      const quota = createRedisQuota({ redis, dailyUsage: createDailyUsageStore({ pools: { primary: db, replica: db, reader: db } }) });
      const { userId } = await admin.customer({ daily_request_limit: 10_000 });
      const day = businessDay(timeZone);
      const entitlement: Entitlement = {
        userPackageId: 0,
        packageId: 0,
        packageName: 'leases',
        startDate: day,
        endDate: day,
        dailyRequestLimit: 10_000,
        dailyTokenLimit: null,
        rpmLimit: null,
        dailyCreditLimit: null,
        fiveHourRequestLimit: null,
        fiveHourTokenLimit: null,
        fiveHourCreditLimit: null,
        weeklyRequestLimit: null,
        weeklyTokenLimit: null,
        weeklyCreditLimit: null,
        maxConcurrentStreams: null,
        models: [],
      };
      const request = (requestId: string) => ({
        userId,
        keyId: 0,
        day,
        entitlement,
        estimate: 10,
        estimateCredits: 0,
        stream: false,
        requestId,
      });
      const granted = await quota.reserve(request('lease-1'), 8, Date.now() + 50);
      assert.ok('admitted' in granted && granted.lease === 8);
      const counters = () => redis.hgetall(`cg:q:${userId}:${day}`);
      assert.equal((await counters()).req, '8');
      await sleep(60);
      // Its worker is gone: the next reservation gives back all it held, the request it drew included.
      const plain = await quota.reserve(request('plain-1'));
      assert.ok('admitted' in plain && plain.lease === 1);
      assert.deepEqual([(await counters()).req, (await counters()).lreq], ['1', '0']);
      // That drawn request settles after all (a worker that stalled): it counts afresh, once.
      await quota.settle(granted.admitted, { promptTokens: 3, completionTokens: 4, costMicros: 0 }, false, 'lease-1');
      assert.equal((await counters()).req, '2');
      assert.equal(
        await quota.returnLease(`cg:q:${userId}:${day}`, 'lease-1', { req: 7, tok: 70, cr: 0 }),
        false,
        'a reclaimed lease cannot be given back twice',
      );
      assert.equal((await counters()).req, '2');
    } finally {
      await db.end();
    }
  });
});
