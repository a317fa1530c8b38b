import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, postJson, statusesOnEveryWorker, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

/**
 * How long after `since` (the change's acknowledgment) every worker answered `expected` for
 * every key: the end of the first sweep that found it so. Polls for 5 s at most (a hang
 * guard); the caller holds the answer to its promise.
 */
async function settledAfter(since: number, keys: string[], expected: number): Promise<number> {
  while (Date.now() - since < 5000) {
    const statuses = (await Promise.all(keys.map((k) => statusesOnEveryWorker(k, 6)))).flat();
    if (statuses.every((s) => s === expected)) return Date.now() - since;
  }
  return Infinity;
}

describe('suspending an account', () => {
  test("a suspended account's keys are refused by every worker of every replica within a second, and work again once resumed", async () => {
    const { key, userId } = await admin.customer();
    const second = (await admin.issueKey(userId)).key;
    // Every worker knows both keys as good.
    assert.ok((await statusesOnEveryWorker(key, 6)).every((s) => s === 200));
    assert.ok((await statusesOnEveryWorker(second, 6)).every((s) => s === 200));

    const suspended = await admin.call('POST', `/users/${userId}/suspend`);
    const suspendedAt = Date.now();
    assert.equal(suspended.status, 200);
    assert.equal(suspended.body.status, 'suspended');
    const refusedAfter = await settledAfter(suspendedAt, [key, second], 403);
    assert.ok(refusedAfter < 1000, `every key of the account refused everywhere ${refusedAfter} ms after the suspension`);
    const relay = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(relay.status, 403);
    assert.equal(relay.body.error.code, 'account_suspended');
    assert.equal(relay.headers.get('x-should-retry'), 'false');

    const resumed = await admin.call('POST', `/users/${userId}/resume`);
    const resumedAt = Date.now();
    assert.equal(resumed.body.status, 'active');
    const acceptedAfter = await settledAfter(resumedAt, [key, second], 200);
    assert.ok(acceptedAfter < 1000, `accepted everywhere ${acceptedAfter} ms after the resumption`);
  });

  test('suspending an unknown user is a 404, a malformed id a 400', async () => {
    assert.equal((await admin.call('POST', '/users/999999999/suspend')).status, 404);
    assert.equal((await admin.call('POST', '/users/abc/suspend')).status, 400);
  });
});
