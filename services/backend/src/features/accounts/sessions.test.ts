import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { type ConsoleClient, createConsoleClient, signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const redis = new Redis(stack.redisUrl);
after(() => redis.disconnect());

const DAY_MS = 86_400_000;

/** Every key of one user's console sessions: the session itself (stored under a digest of the cookie) and the per-user index, whatever its name. */
async function sessionKeysOf(userId: number, cookie: string): Promise<string[]> {
  const keys = [`cg:session:${createHash('sha256').update(cookie).digest('hex')}`];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `cg:*session*:${userId}`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

/**
 * Lets `ms` pass for these keys as Redis sees it: each TTL shortened by that much, and a key
 * whose time ran out gone. This is how a week of use looks to Redis, in a moment.
 */
async function timeWarp(keys: string[], ms: number): Promise<void> {
  for (const key of keys) {
    const left = await redis.pttl(key);
    if (left < 0) continue;
    if (left > ms) await redis.pexpire(key, left - ms);
    else await redis.del(key);
  }
}

/**
 * A person signed in on a laptop a week ago who kept using the console: the session slid
 * on every use, as sessions do. Answers the laptop and a phone signed in now.
 */
async function personInUseForAWeek(): Promise<{ email: string; userId: number; laptop: ConsoleClient; phone: ConsoleClient; password: string }> {
  const { email, password, userId, client: laptop } = await signedUpPerson(stack);
  const cookie = laptop.jar.get('cg_session')!;
  await timeWarp(await sessionKeysOf(userId, cookie), 6 * DAY_MS);
  assert.equal((await laptop.call('GET', '/me')).status, 200, 'used on day 6');
  await timeWarp(await sessionKeysOf(userId, cookie), DAY_MS + 60_000);
  assert.equal((await laptop.call('GET', '/me')).status, 200, 'still signed in on day 7: the session slid on use');
  const phone = createConsoleClient(stack);
  assert.equal((await phone.signIn(email, password)).status, 200);
  return { email, userId, laptop, phone, password };
}

describe('ending sessions that slid past their first week', () => {
  test('"sign out everywhere" ends a session that has been in use for more than a week', async () => {
    const { laptop, phone } = await personInUseForAWeek();
    assert.equal((await phone.call('POST', '/auth/sign-out', { everywhere: true })).status, 204);
    assert.equal((await laptop.call('GET', '/me')).status, 401);
  });

  test('a password change ends the other sessions, however long they have been in use', async () => {
    const { laptop, phone, password } = await personInUseForAWeek();
    const changed = await phone.call('POST', '/me/password', { current_password: password, new_password: 'a new and longer passphrase' });
    assert.equal(changed.status, 204);
    assert.equal((await laptop.call('GET', '/me')).status, 401);
    assert.equal((await phone.call('GET', '/me')).status, 200, 'the session that changed it stays');
  });

  test('a suspension ends a session in use for more than a week: it does not come back when the person is resumed', async () => {
    const { userId, laptop } = await personInUseForAWeek();
    assert.equal((await admin.call('POST', `/users/${userId}/suspend`)).status, 200);
    assert.equal((await admin.call('POST', `/users/${userId}/resume`)).status, 200);
    assert.equal((await laptop.call('GET', '/me')).status, 401);
  });
});
