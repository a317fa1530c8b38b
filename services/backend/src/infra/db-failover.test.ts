import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import request from 'supertest';
import { adminApi, testSecrets, testStack, waitFor } from '@codex-gateway/stack/testing';
import type { App } from '../app.js';
import { inProcessApp } from '../test-support.js';

const stack = testStack();
const admin = adminApi(stack);
// This app's connections, told apart from every other backend's in pg_stat_activity.
const APP = `leader-change-${process.pid}`;
const named = (url: string) => {
  const u = new URL(url);
  u.searchParams.set('application_name', APP);
  return u.toString();
};

/**
 * A leader change, as the backends see it through HAProxy: their connections are cut
 * (57P01 admin_shutdown, then "Connection terminated"), or the former leader, a standby now,
 * refuses writes (25006). Here the connections are cut by pg_terminate_backend, each while
 * its statement waits on a lock, so that the cut falls in the middle of that statement.
 */
describe('a Postgres leader change', () => {
  let app: App;
  // The owner: it locks tables and ends other sessions.
  const owner = new pg.Pool({ connectionString: stack.postgres.ownerUrl, max: 3 });
  const adminToken = testSecrets().adminToken;

  before(() => {
    app = inProcessApp('leader-change', {
      DATABASE_URL: named(stack.postgres.primaryUrl),
      DATABASE_REPLICA_URL: named(stack.postgres.replicaUrl),
      DB_POOL_MAX: '4',
      ADMIN_TOKEN: adminToken,
    });
  });
  after(async () => {
    await app.close();
    await owner.end();
  });

  /** Runs `call` while `table` is locked, cuts the connection of this app's statement that waits on it, then unlocks. */
  async function cutWhileWaiting(table: string, call: () => request.Test): Promise<request.Response> {
    const lock = await owner.connect();
    try {
      await lock.query('BEGIN');
      await lock.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
      const answer = call().then((res) => res);
      await waitFor(
        `a statement of ${APP} waiting on ${table}`,
        async () => {
          const { rowCount } = await owner.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
            [APP],
          );
          return (rowCount ?? 0) > 0;
        },
        10_000,
        20,
      );
      await lock.query('ROLLBACK');
      return await answer;
    } finally {
      await lock.query('ROLLBACK').catch(() => undefined);
      lock.release();
    }
  }

  const asAdmin = (r: request.Test) => r.set('authorization', `Bearer ${adminToken}`);

  test('a read whose connection is cut is answered from a new connection', async () => {
    const { userId, packageId } = await admin.customer({ daily_request_limit: 5 });
    const res = await cutWhileWaiting('user_packages', () => asAdmin(request(app.app).get(`/api/admin/users/${userId}/packages`)));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.map((p: { package_id: number }) => p.package_id),
      [packageId],
    );
  });

  test('a write whose connection is cut is refused with 503 and Retry-After, never a 500, and done once when sent again', async () => {
    const email = `leader-change-${process.pid}-${Date.now()}@example.test`;
    const create = () => asAdmin(request(app.app).post('/api/admin/users')).send({ email });
    const refused = await cutWhileWaiting('users', create);
    assert.equal(refused.status, 503, JSON.stringify(refused.body));
    assert.equal(refused.headers['retry-after'], '2');
    assert.equal(refused.body.error.code, 'service_unavailable');
    assert.equal(refused.body.error.type, 'server_error');
    const users = async () => (await owner.query('SELECT id FROM users WHERE email = $1', [email])).rowCount;
    assert.equal(await users(), 0, 'nothing of the refused write was kept');

    assert.equal((await create()).status, 201, 'the client sends it again: the pool has a working connection');
    assert.equal(await users(), 1);
  });

  test('connections cut under load: every answer a success or a 503, and each write kept exactly when it was answered 201', async () => {
    const { userId } = await admin.customer();
    const emails = Array.from({ length: 6 }, (_, i) => `leader-load-${process.pid}-${Date.now()}-${i}@example.test`);
    const calls = [
      ...Array.from({ length: 12 }, () => asAdmin(request(app.app).get(`/api/admin/users/${userId}/packages`))),
      ...emails.map((email) => asAdmin(request(app.app).post('/api/admin/users')).send({ email })),
    ].map((r) => r.then((res) => res));
    // Every connection this app holds is cut, again and again while the requests run.
    for (let i = 0; i < 6; i += 1) {
      await owner.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP]);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const answers = await Promise.all(calls);
    const statuses = answers.map((a) => a.status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 201 || s === 503),
      statuses.join(' '),
    );
    for (const [i, email] of emails.entries()) {
      const kept = (await owner.query('SELECT id FROM users WHERE email = $1', [email])).rowCount;
      assert.equal(kept, answers[12 + i]!.status === 201 ? 1 : 0, `${email}: answered ${answers[12 + i]!.status}`);
    }
  });

  test('an app whose primary pool reaches a standby (the former leader) refuses writes with 503 and is not ready', async () => {
    const stale = inProcessApp('former-leader', {
      DATABASE_URL: named(stack.postgres.replicaUrl),
      DATABASE_REPLICA_URL: named(stack.postgres.replicaUrl),
      DB_POOL_MAX: '2',
      ADMIN_TOKEN: adminToken,
    });
    try {
      const write = await asAdmin(request(stale.app).post('/api/admin/users')).send({ email: `former-leader-${process.pid}@example.test` });
      assert.equal(write.status, 503, JSON.stringify(write.body));
      assert.equal(write.headers['retry-after'], '2');
      const ready = await request(stale.app).get('/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.body.failed, ['primary']);
    } finally {
      await stale.close();
    }
  });
});
