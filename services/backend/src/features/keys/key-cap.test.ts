import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

async function activeKeys(userId: number): Promise<number> {
  const db = new pg.Client({ connectionString: stack.postgres.primaryUrl });
  await db.connect();
  try {
    return (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM api_keys WHERE user_id = $1 AND status = 'active'", [userId])).rows[0]!.n;
  } finally {
    await db.end();
  }
}

describe('at most 50 active keys a person', () => {
  test('60 concurrent creations across the replicas make exactly 50 keys; the rest are a 400 too_many_keys', async () => {
    const person = await signedUpPerson(stack);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => person.client.call('POST', '/keys', { name: `burst ${i}` })));
    const made = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status !== 201);
    assert.equal(made.length, 50, answers.map((a) => a.status).join(' '));
    for (const r of refused) {
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.error.code, 'too_many_keys');
    }
    assert.equal(await activeKeys(person.userId), 50);

    // Staff cannot pass the cap either; a revoked key frees a place.
    const staffIssued = await admin.call('POST', `/users/${person.userId}/api-keys`, { name: 'one more' });
    assert.equal(staffIssued.status, 400, JSON.stringify(staffIssued.body));
    assert.equal(staffIssued.body.error.code, 'too_many_keys');
    assert.equal((await person.client.call('DELETE', `/keys/${made[0]!.body.id}`)).status, 204);
    assert.equal((await person.client.call('POST', '/keys', { name: 'in its place' })).status, 201);
    assert.equal(await activeKeys(person.userId), 50);
  });
});
