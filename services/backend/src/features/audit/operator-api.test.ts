import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { adminApi, getWithKey, payOnFakeStripe, postJson, readMail, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

async function auditOf(targetType: string, targetId: string | number) {
  const res = await admin.call('GET', `/audit-log?target_type=${targetType}&target_id=${targetId}`);
  assert.equal(res.status, 200);
  return res.body.data as Array<{ action: string; actor: string; role: string; before: any; after: any; address: string | null }>;
}

async function connected<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const primary = <T>(fn: (client: pg.Client) => Promise<T>) => connected(stack.postgres.primaryUrl, fn);
/** The role that runs the migrations and owns the tables. */
const owner = <T>(fn: (client: pg.Client) => Promise<T>) => connected(stack.postgres.ownerUrl, fn);

describe('the audit log', () => {
  test('every admin change is recorded with who, as what, from where, before and after, and never the plain key', async () => {
    const user = await admin.createUser();
    const pkg = await admin.createPackage({ daily_request_limit: 10 });
    await admin.grant(user.id, pkg.id);
    const key = await admin.issueKey(user.id, { name: 'audited' });
    await admin.call('PATCH', `/packages/${pkg.id}`, { price_cents: 1234 });
    await admin.call('POST', `/users/${user.id}/suspend`);
    await admin.call('POST', `/users/${user.id}/resume`);
    await admin.revokeKey(key.id);

    const userTrail = await auditOf('user', user.id);
    assert.deepEqual(userTrail.map((e) => e.action).reverse(), ['user.create', 'package.grant', 'user.suspend', 'user.resume']);
    for (const e of userTrail) {
      assert.equal(e.actor, 'token');
      assert.equal(e.role, 'owner');
      assert.ok(e.address, 'the client address');
    }
    assert.deepEqual(userTrail[1]!.before, { status: 'active' });
    assert.deepEqual(userTrail[1]!.after, { status: 'suspended' });

    const packageTrail = await auditOf('package', pkg.id);
    const update = packageTrail.find((e) => e.action === 'package.update')!;
    assert.equal(update.before.price_cents, 999);
    assert.equal(update.after.price_cents, 1234);

    const keyTrail = await auditOf('api_key', key.id);
    assert.deepEqual(keyTrail.map((e) => e.action).reverse(), ['api_key.issue', 'api_key.revoke']);
    assert.equal(JSON.stringify(keyTrail).includes(key.key), false, 'the plain key is not in the audit log');
  });

  test('the application role adds to the audit log and reads it, and can neither change, delete, empty nor unguard it', async () => {
    await admin.createUser();
    // stack.postgres.primaryUrl is what the backends use: the application role.
    await primary(async (client) => {
      const role = (await client.query('SELECT rolname, rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0];
      assert.equal(role.rolsuper, false, `the backends connect as ${role.rolname}, not as a superuser`);
      const added = await client.query(
        `INSERT INTO audit_log (actor, role, action, target_type, target_id) VALUES ('role-test', 'owner', 'test.append', 'test', '1') RETURNING id`,
      );
      const { rows } = await client.query('SELECT action FROM audit_log WHERE id = $1', [added.rows[0].id]);
      assert.deepEqual(rows, [{ action: 'test.append' }]);
      // Each attempt in a transaction rolled back, so that nothing sticks if one got through.
      for (const sql of [
        `UPDATE audit_log SET actor = 'someone else'`,
        'DELETE FROM audit_log',
        'TRUNCATE audit_log',
        'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update',
        'ALTER TABLE audit_log DISABLE TRIGGER ALL',
        'DROP TRIGGER audit_log_no_update ON audit_log',
        'DROP TRIGGER audit_log_no_truncate ON audit_log',
        'CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$',
        'ALTER TABLE audit_log RENAME TO audit_log_old',
        'DROP TABLE audit_log',
        "SET session_replication_role = 'replica'",
      ]) {
        await client.query('BEGIN');
        try {
          await assert.rejects(client.query(sql), /permission denied|must be owner|append-only/, sql);
        } finally {
          await client.query('ROLLBACK');
        }
      }
    });
    // Nor may it hand itself (or anyone) more: it holds no grant option, and no privilege beyond these two.
    await primary(async (client) => {
      // Without a grant option this grants nothing (a warning, or an error).
      await client.query('GRANT UPDATE, DELETE, TRUNCATE, TRIGGER ON audit_log TO PUBLIC').catch(() => undefined);
      const { rows } = await client.query(
        `SELECT privilege FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS privilege
          WHERE has_table_privilege('audit_log', privilege)`,
      );
      assert.deepEqual(rows.map((r) => r.privilege).sort(), ['INSERT', 'SELECT']);
    });
    // The owner, who may alter the table, still meets the trigger.
    await owner(async (client) => {
      await assert.rejects(client.query(`UPDATE audit_log SET actor = 'someone else'`), /append-only/);
      await assert.rejects(client.query('TRUNCATE audit_log'), /append-only/);
    });
  });

  test('a change that fails leaves no audit row', async () => {
    const before = (await admin.call('GET', '/audit-log?limit=1')).body.data[0].id;
    assert.equal((await admin.call('PATCH', '/packages/987654321', { price_cents: 1 })).status, 404);
    assert.equal((await admin.call('GET', '/audit-log?limit=1')).body.data[0].id, before);
  });
});

describe('packages for staff', () => {
  test('editing a package changes what is sold from now on; a period already sold keeps its terms', async () => {
    const { userId, key, packageId } = await admin.customer({ daily_request_limit: 2 });
    await admin.call('PATCH', `/packages/${packageId}`, { daily_request_limit: 100, name: 'bigger now' });
    for (let i = 0; i < 2; i += 1) assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    const third = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat);
    assert.equal(third.status, 429, 'the period sold with a limit of 2 keeps it');
    const periods = (await admin.call('GET', `/users/${userId}`)).body.packages;
    assert.equal(periods[0].daily_request_limit, 2);
    assert.notEqual(periods[0].package_name, 'bigger now');

    const other = await admin.createUser();
    await admin.grant(other.id, packageId);
    const detail = (await admin.call('GET', `/users/${other.id}`)).body;
    assert.equal(detail.packages[0].daily_request_limit, 100, 'a new period gets the new terms');
    assert.equal(detail.packages[0].package_name, 'bigger now');
  });

  test('a retired package can be neither granted nor bought; bad edits are 400s', async () => {
    const pkg = await admin.createPackage({ price_cents: 500 });
    const retired = await admin.call('POST', `/packages/${pkg.id}/retire`);
    assert.equal(retired.body.status, 'archived');
    const user = await admin.createUser();
    const grant = await admin.call('POST', `/users/${user.id}/packages`, { package_id: pkg.id });
    assert.equal(grant.status, 409);
    assert.equal(grant.body.error.code, 'package_retired');
    const key = await admin.issueKey(user.id);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/orders`, key.key, { package_id: pkg.id, provider: 'stripe' })).status, 404);
    assert.equal((await admin.call('PATCH', `/packages/${pkg.id}`, {})).status, 400);
    assert.equal((await admin.call('PATCH', `/packages/${pkg.id}`, { daily_request_limit: -1 })).status, 400);
    assert.equal((await admin.call('PATCH', `/packages/${pkg.id}`, { on_sale: true })).body.status, 'active', 'back on sale');
  });
});

describe('users for staff', () => {
  test('users are found by e-mail fragment or id, filtered by status, paged by keyset; a user’s detail has everything', async () => {
    const tag = `find-${Date.now()}`;
    const made = [];
    for (let i = 0; i < 3; i += 1) made.push(await admin.createUser(`${tag}-${i}@example.test`));
    await admin.call('POST', `/users/${made[1].id}/suspend`);
    const found = await admin.call('GET', `/users?q=${tag}&limit=2`);
    assert.deepEqual(
      found.body.data.map((u: { id: number }) => u.id),
      [made[2].id, made[1].id],
    );
    const next = await admin.call('GET', `/users?q=${tag}&limit=2&before=${found.body.next_before}`);
    assert.deepEqual(
      next.body.data.map((u: { id: number }) => u.id),
      [made[0].id],
    );
    assert.deepEqual(
      (await admin.call('GET', `/users?q=${tag}&status=suspended`)).body.data.map((u: { id: number }) => u.id),
      [made[1].id],
    );
    assert.deepEqual(
      (await admin.call('GET', `/users?q=${made[0].id}`)).body.data.map((u: { id: number }) => u.id),
      [made[0].id],
    );
    assert.equal((await admin.call('GET', '/users?q=%25')).status, 200, 'a % is a character, not a wildcard');

    const { userId, key, keyId } = await admin.customer();
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    await waitFor('last use', async () => (await admin.call('GET', `/users/${userId}`)).body.api_keys[0].last_used_at !== null, 15_000, 200);
    const detail = (await admin.call('GET', `/users/${userId}`)).body;
    assert.equal(detail.api_keys[0].id, keyId);
    assert.equal(detail.packages.length, 1);
    assert.equal(detail.today.request_count, 1);
    assert.deepEqual(detail.orders, []);
    assert.equal((await admin.call('GET', '/users/987654321')).status, 404);
  });

  test('staff send a password-reset mail to a user', async () => {
    const user = await admin.createUser();
    assert.equal((await admin.call('POST', `/users/${user.id}/password-reset`)).status, 202);
    const mail = await readMail(user.email, { subject: /password/i });
    assert.match(mail.text, /reset-password\?token=/);
    assert.equal((await auditOf('user', user.id))[0]!.action, 'user.password_reset_mail');
  });
});

describe('orders and codes for staff', () => {
  test('an order’s detail shows the provider’s events in order; a refund is audited', async () => {
    const { key, packageId } = await admin.buyer({ price_cents: 700 });
    const created = await postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider: 'stripe' });
    await payOnFakeStripe(created.body.checkout_url);
    await waitFor(
      'fulfilled',
      async () => (await getWithKey(`${stack.gatewayUrl}/v1/orders/${created.body.order_no}`, key)).body.includes('fulfilled'),
      10_000,
    );
    const detail = await admin.call('GET', `/orders/${created.body.order_no}`);
    assert.equal(detail.body.status, 'fulfilled');
    assert.ok(detail.body.events.length >= 1);
    assert.equal(detail.body.events[0].event_type, 'checkout.session.completed');
    assert.equal((await admin.call('POST', `/orders/${created.body.order_no}/refund`)).status, 200);
    const trail = await auditOf('order', created.body.order_no);
    assert.equal(trail[0]!.action, 'order.refund');
    assert.deepEqual(trail[0]!.before, { status: 'fulfilled' });
  });

  test('codes come in named batches, list who redeemed them (JSON and CSV), and unused ones can be voided', async () => {
    const pkg = await admin.createPackage();
    const batch = `batch-${Date.now()}`;
    const made = await admin.call('POST', '/redemption-codes', { package_id: pkg.id, count: 3, batch_name: batch });
    assert.equal(made.status, 201);
    const [first, second] = made.body.codes;
    const { key } = await admin.customer();
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/redeem`, key, { code: first })).status, 201);

    const listed = (await admin.call('GET', `/redemption-codes?batch=${batch}`)).body.data;
    assert.equal(listed.length, 3);
    const redeemed = listed.find((c: { code: string }) => c.code === first);
    assert.equal(redeemed.status, 'redeemed');
    assert.match(redeemed.redeemed_by_email, /@example\.test$/);

    const voided = await admin.call('POST', '/redemption-codes/void', { batch_name: batch });
    assert.equal(voided.body.voided, 2, 'the redeemed one stays');
    const refused = await postJson(`${stack.gatewayUrl}/v1/redeem`, key, { code: second });
    assert.equal(refused.status, 404, 'a voided code is as good as unknown');

    const csv = await fetch(`${stack.gatewayUrl}/api/admin/redemption-codes.csv?batch=${batch}`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    const lines = (await csv.text()).trim().split('\r\n');
    assert.equal(lines.length, 4);
    assert.ok(lines.some((l) => l.startsWith(`${second},`) && l.includes(',void,')));
  });
});

describe('the operator overview', () => {
  test('shows today’s requests, errors, revenue and new customers, the top users and models, and every backend, Postgres and Redis', async () => {
    const before = (await admin.call('GET', '/overview')).body;
    const { key, packageId, userId } = await admin.buyer({ price_cents: 2500, currency: 'EUR' });
    const order = await postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider: 'stripe' });
    await payOnFakeStripe(order.body.checkout_url);
    await waitFor('fulfilled', async () => (await getWithKey(`${stack.gatewayUrl}/v1/orders/${order.body.order_no}`, key)).body.includes('fulfilled'), 10_000);
    for (let i = 0; i < 3; i += 1) assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);

    let now = before;
    await waitFor(
      'the overview to count them',
      async () => {
        now = (await admin.call('GET', '/overview')).body;
        return now.today.request_count >= before.today.request_count + 3 && now.top_users.some((u: { user_id: number }) => u.user_id === userId);
      },
      20_000,
      300,
    );
    assert.equal(now.daily.length, 30);
    assert.equal(now.daily.at(-1).date, now.date);
    assert.equal((now.today.revenue.EUR ?? 0) - (before.today.revenue.EUR ?? 0), 2500);
    assert.ok(now.today.new_customers >= before.today.new_customers + 1);
    assert.ok(now.top_models.some((m: { model: string }) => m.model === 'gpt-4o-mini'));

    const instances = now.cluster.instances.filter((i: { state: string }) => i.state === 'up').map((i: { instance: string }) => i.instance);
    assert.ok(instances.length >= stack.backends.length, `every backend reports itself: ${instances.join(', ')}`);
    assert.equal(now.cluster.postgres.primary.ok, true);
    assert.equal(now.cluster.postgres.replica.ok, true);
    assert.ok(now.cluster.postgres.replica.lag_seconds < 10);
    assert.equal(now.cluster.redis.ok, true);
    assert.ok(now.cluster.redis.used_memory_bytes > 0);
  });
});
