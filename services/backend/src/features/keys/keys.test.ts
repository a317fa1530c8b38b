import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, getWithKey, statusesOnEveryWorker, testStack, untilPast } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

describe('API keys', () => {
  test('a key created a moment ago works on the very next request on every replica', async () => {
    const { key } = await admin.customer();
    // Straight to each backend, bypassing nginx, before the replica may have replayed the insert.
    const statuses = await Promise.all(stack.backends.map((b) => getWithKey(`${b.url}/v1/usage`, key).then((r) => r.status)));
    assert.deepEqual(
      statuses,
      stack.backends.map(() => 200),
    );
  });

  test('a revoked key is refused by every worker of every replica within a second', async () => {
    const { key, keyId } = await admin.customer();
    // Every worker has the key in its cache.
    assert.ok((await statusesOnEveryWorker(key, 8)).every((s) => s === 200));
    assert.equal((await admin.revokeKey(keyId)).status, 204);
    // From the revocation's acknowledgment to the end of the first sweep that every worker refused; 5 s is only a hang guard.
    const revokedAt = Date.now();
    let refusedEverywhereAfter = Infinity;
    while (Date.now() - revokedAt < 5000) {
      const statuses = await statusesOnEveryWorker(key, 6);
      if (statuses.every((s) => s === 401)) {
        refusedEverywhereAfter = Date.now() - revokedAt;
        break;
      }
    }
    assert.ok(refusedEverywhereAfter < 1000, `refused by every worker ${refusedEverywhereAfter} ms after the revocation`);
    // And it stays refused.
    assert.ok((await statusesOnEveryWorker(key, 8)).every((s) => s === 401));
  });

  test('an expired key is refused, and a key refused as it expires', async () => {
    const user = await admin.createUser();
    const past = await admin.issueKey(user.id, { expires_at: new Date(Date.now() - 1000).toISOString() });
    assert.equal((await getWithKey(`${stack.gatewayUrl}/v1/usage`, past.key)).status, 401);

    const expiresAt = new Date(Date.now() + 1500);
    const soon = await admin.issueKey(user.id, { expires_at: expiresAt.toISOString() });
    assert.equal((await getWithKey(`${stack.gatewayUrl}/v1/usage`, soon.key)).status, 200);
    // Until the instant it expires (same clock as the backends'), not a guess at it.
    await untilPast(expiresAt.getTime());
    assert.ok((await statusesOnEveryWorker(soon.key, 4)).every((s) => s === 401));
  });
});
