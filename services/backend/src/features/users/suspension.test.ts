import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, postJson, statusesOnEveryWorker, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

async function within(ms: number, key: string, expected: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if ((await statusesOnEveryWorker(key, 6)).every((s) => s === expected)) return Date.now() - started;
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
    assert.equal(suspended.status, 200);
    assert.equal(suspended.body.status, 'suspended');
    assert.ok((await within(1000, key, 403)) < 1000, 'refused everywhere within 1 s');
    assert.ok((await within(1000, second, 403)) < 1000, 'every key of the account');
    const relay = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(relay.status, 403);
    assert.equal(relay.body.error.code, 'account_suspended');
    assert.equal(relay.headers.get('x-should-retry'), 'false');

    const resumed = await admin.call('POST', `/users/${userId}/resume`);
    assert.equal(resumed.body.status, 'active');
    assert.ok((await within(1000, key, 200)) < 1000, 'accepted everywhere within 1 s');
  });

  test('suspending an unknown user is a 404, a malformed id a 400', async () => {
    assert.equal((await admin.call('POST', '/users/999999999/suspend')).status, 404);
    assert.equal((await admin.call('POST', '/users/abc/suspend')).status, 400);
  });
});
