import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adminApi, getOnNewConnection, testSecrets, testStack, waitFor } from '@codex-gateway/stack/testing';
import { hashApiKey } from './key-hash.js';

const stack = testStack();
const admin = adminApi(stack);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A key of the right shape that was never issued. */
const guess = () => `sk-cg-${[...randomBytes(40)].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
/** A client address of its own (TEST-NET-3), so that this test's failures count apart. */
const address = () => `203.0.113.${1 + Math.floor(Math.random() * 250)}`;

/**
 * How many times the key look-up (keys by hash, with their owners) ran, on the primary and
 * the replica together, from pg_stat_statements (loaded by the servers' configuration). Test
 * files run one at a time, so in this window only this test looks keys up.
 */
async function keyLookups(): Promise<number> {
  const owner = new URL(stack.postgres.ownerUrl);
  const replica = new URL(owner);
  replica.port = new URL(stack.postgres.replicaUrl).port;
  let calls = 0;
  for (const url of [owner, replica]) {
    const db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    try {
      const { rows } = await db.query<{ calls: number }>(
        `SELECT coalesce(sum(calls), 0)::int AS calls FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query LIKE $1`,
        ['%FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1'],
      );
      calls += rows[0]!.calls;
    } finally {
      await db.end();
    }
  }
  return calls;
}

function usageAs(url: string, key: string, from: string) {
  return getOnNewConnection(`${url}/v1/usage`, { authorization: `Bearer ${key}`, 'x-forwarded-for': from });
}

/** The view needs the extension in the database, which the owner creates once (the replica follows). */
async function createStatementStats(): Promise<void> {
  const db = new pg.Client({ connectionString: stack.postgres.ownerUrl });
  await db.connect();
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } finally {
    await db.end();
  }
  await waitFor('pg_stat_statements on the replica', () => keyLookups().then(() => true), 10_000, 100);
}

describe('guessing keys', () => {
  test('malformed keys are refused before any look-up, and an unknown key costs the database once', async () => {
    await createStatementStats();
    const before = await keyLookups();
    const unknown = guess();
    for (let i = 0; i < 20; i += 1) {
      const from = `198.51.100.${i}`;
      assert.equal((await usageAs(stack.gatewayUrl, `sk-cg-short-${i}`, from)).status, 401);
      assert.equal((await usageAs(stack.gatewayUrl, `not-even-a-key-${'x'.repeat(i)}`, from)).status, 401);
      assert.equal((await usageAs(stack.gatewayUrl, unknown, from)).status, 401);
    }
    // 60 refusals; the unknown key was looked up once (the replica, then the primary, which
    // may hold a key created a moment ago) and then remembered.
    const ran = (await keyLookups()) - before;
    assert.equal(ran, 2, `${ran} key look-ups for 60 refused keys`);
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
