import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { adminApi, getOnNewConnection, metricSum, testSecrets, testStack } from '@codex-gateway/stack/testing';
import { hashApiKey } from './key-hash.js';

const stack = testStack();
const admin = adminApi(stack);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A key of the right shape that was never issued. */
const guess = () => `sk-cg-${[...randomBytes(40)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
/** A client address of its own (TEST-NET-3), so that this test's failures count apart. */
const address = () => `203.0.113.${1 + Math.floor(Math.random() * 250)}`;

const queriesRun = () => metricSum('db_query_duration_seconds_count');

function usageAs(url: string, key: string, from: string) {
  return getOnNewConnection(`${url}/v1/usage`, { authorization: `Bearer ${key}`, 'x-forwarded-for': from });
}

describe('guessing keys', () => {
  test('malformed keys are refused before any look-up, and an unknown key costs the database once', async () => {
    const before = await queriesRun();
    const unknown = guess();
    for (let i = 0; i < 20; i += 1) {
      const from = `198.51.100.${i}`;
      assert.equal((await usageAs(stack.gatewayUrl, `sk-cg-short-${i}`, from)).status, 401);
      assert.equal((await usageAs(stack.gatewayUrl, `not-even-a-key-${'x'.repeat(i)}`, from)).status, 401);
      assert.equal((await usageAs(stack.gatewayUrl, unknown, from)).status, 401);
    }
    // 60 refusals; the unknown key was looked up once (replica, then primary) and then
    // remembered. Other queries (replica lag checks) run meanwhile, hence the margin.
    const ran = (await queriesRun()) - before;
    assert.ok(ran < 30, `${ran} queries for 60 refused keys`);
    const redis = new Redis(stack.redisUrl);
    try {
      assert.equal(await redis.get(`cg:key:${hashApiKey(testSecrets().keyPepper, unknown)}`), 'null', 'the miss is remembered in Redis');
    } finally {
      redis.disconnect();
    }
  });

  test('an address that keeps guessing gets 429s cluster-wide, other addresses and real keys do not', async () => {
    const { key } = await admin.customer();
    const guesser = address();
    const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await usageAs(targets[i % targets.length]!, guess(), guesser)).status);
    assert.deepEqual(new Set(statuses), new Set([401]), 'the first 30 failures are plain 401s');
    for (const target of targets) {
      const refused = await usageAs(target, guess(), guesser);
      assert.equal(refused.status, 429, `blocked on ${target}`);
      const body = JSON.parse(refused.body);
      assert.equal(body.error.code, 'too_many_failed_authentications');
      assert.equal(refused.headers['x-should-retry'], 'false');
    }
    // The admin token is refused from the blocked address whatever it is.
    const adminTry = await getOnNewConnection(`${stack.gatewayUrl}/api/admin/packages`, {
      authorization: `Bearer ${stack.adminToken}`,
      'x-forwarded-for': guesser,
    });
    assert.equal(adminTry.status, 429);
    // Another address is unaffected; a real key keeps working from anywhere else.
    assert.equal((await usageAs(stack.gatewayUrl, guess(), address().replace('203.0.113', '192.0.2'))).status, 401);
    assert.equal((await usageAs(stack.gatewayUrl, key, '192.0.2.77')).status, 200);
  });

  test('wrong admin tokens count as failures too', async () => {
    const guesser = address().replace('203.0.113', '198.18.0');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i += 1) {
      const res = await getOnNewConnection(`${stack.gatewayUrl}/api/admin/packages`, {
        authorization: `Bearer wrong-${i}-admin-token`,
        'x-forwarded-for': guesser,
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
    assert.equal(statuses[30], 429);
  });
});
