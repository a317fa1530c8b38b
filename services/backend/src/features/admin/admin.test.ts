import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, stackEnv, testStack } from '@codex-gateway/stack/testing';
import { addDays, businessDay } from '../../domain/business-day.js';
import { loadConfig } from '../../infra/config.js';

const stack = testStack();
const admin = adminApi(stack);
/** The business day's zone, as the stack's backends read it from the same environment. */
const timeZone = loadConfig({ ...process.env, ...stackEnv() }).quota.timeZone;

describe('the admin API', () => {
  test('refuses a missing or wrong admin token', async () => {
    const none = await fetch(`${stack.gatewayUrl}/api/admin/packages`);
    assert.equal(none.status, 401);
    const wrong = await fetch(`${stack.gatewayUrl}/api/admin/packages`, { headers: { authorization: `Bearer ${stack.adminToken}x` } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as any).error.code, 'invalid_admin_token');
  });

  test('creates a user once per email', async () => {
    const email = `Admin-Test-${Date.now()}@Example.test`;
    const created = await admin.call('POST', '/users', { email });
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.body).sort(), ['created_at', 'email', 'id', 'status']);
    assert.equal(created.body.status, 'active');
    assert.equal(created.body.email, email.toLowerCase());
    const again = await admin.call('POST', '/users', { email: email.toUpperCase() });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'email_taken');
    const bad = await admin.call('POST', '/users', { email: 'not-an-email' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /email/);
  });

  test('creates packages with unlimited (null) limits and an optional rpm limit, and lists them', async () => {
    const created = await admin.call('POST', '/packages', {
      name: 'Unlimited',
      daily_request_limit: null,
      daily_token_limit: null,
      duration_days: 30,
      price_cents: 2000,
      currency: 'USD',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.rpm_limit, null);
    assert.equal(created.body.daily_request_limit, null);
    const listed = await admin.call('GET', '/packages');
    assert.ok(listed.body.some((p: { id: number }) => p.id === created.body.id));

    const invalid = await admin.call('POST', '/packages', { name: '', daily_request_limit: -1, duration_days: 0, price_cents: 1.5, currency: 'US$' });
    assert.equal(invalid.status, 400);
    for (const field of ['name', 'daily_request_limit', 'duration_days', 'price_cents', 'currency'])
      assert.match(invalid.body.error.message, new RegExp(field));
  });

  test('takes a currency in any case, as Stripe spells it, and stores it upper case', async () => {
    for (const currency of ['usd', 'Eur', 'CNY']) {
      const created = await admin.call('POST', '/packages', {
        name: `Cased ${currency}`,
        daily_request_limit: 1,
        daily_token_limit: null,
        duration_days: 1,
        price_cents: 100,
        currency,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.currency, currency.toUpperCase());
    }
    const bad = await admin.call('POST', '/packages', {
      name: 'Bad',
      daily_request_limit: 1,
      daily_token_limit: null,
      duration_days: 1,
      price_cents: 100,
      currency: 'usdt',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /currency/);
  });

  test('a second package is queued after the first, with no gap and no overlap', async () => {
    const user = await admin.createUser();
    const month = await admin.createPackage({ duration_days: 30 });
    const week = await admin.createPackage({ duration_days: 7 });
    // Today's business day, read before and after the grant: a midnight may fall between.
    const days = [businessDay(timeZone)];
    const first = await admin.call('POST', `/users/${user.id}/packages`, { package_id: month.id });
    days.push(businessDay(timeZone));
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'active');
    const today = first.body.start_date as string;
    assert.ok(days.includes(today), `starts today (${days.join(' or ')}), not ${today}`);
    const second = await admin.grant(user.id, week.id);
    // Granted now, partway through today: 30 full days from now, so it ends 30 days after today.
    assert.equal(first.body.end_date, addDays(today, 30));
    assert.equal(second.start_date, addDays(first.body.end_date, 1));
    assert.equal(second.end_date, addDays(second.start_date, 6));

    const periods = await admin.call('GET', `/users/${user.id}/packages`);
    assert.deepEqual(
      periods.body.map((p: { package_id: number }) => p.package_id),
      [month.id, week.id],
    );
    for (const p of periods.body) assert.deepEqual(Object.keys(p).sort(), ['end_date', 'id', 'order_id', 'package_id', 'start_date', 'status']);
  });

  test('granting to an unknown user or package is a 404; a malformed id is a 400', async () => {
    const pkg = await admin.createPackage();
    assert.equal((await admin.call('POST', '/users/999999999/packages', { package_id: pkg.id })).status, 404);
    const user = await admin.createUser();
    assert.equal((await admin.call('POST', `/users/${user.id}/packages`, { package_id: 999999999 })).status, 404);
    assert.equal((await admin.call('GET', '/users/abc/packages')).status, 400);
    assert.equal((await admin.call('DELETE', '/api-keys/999999999')).status, 404);
  });

  test('issues a key shown once, with its prefix, and revokes it', async () => {
    const user = await admin.createUser();
    const issued = await admin.call('POST', `/users/${user.id}/api-keys`, { name: 'laptop' });
    assert.equal(issued.status, 201);
    assert.match(issued.body.key, /^sk-cg-[A-Za-z0-9]{40}$/);
    assert.ok(issued.body.key.startsWith(issued.body.key_prefix));
    assert.ok(issued.body.key_prefix.length < 16);
    const revoked = await admin.revokeKey(issued.body.id);
    assert.equal(revoked.status, 204);
  });

  test('usage by day is validated and answered from history', async () => {
    const user = await admin.createUser();
    const ok = await admin.call('GET', `/users/${user.id}/usage?from=2026-01-01&to=2026-01-31`);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { daily: [] });
    assert.equal((await admin.call('GET', `/users/${user.id}/usage?from=2026-02-01&to=2026-01-01`)).status, 400);
    assert.equal((await admin.call('GET', `/users/${user.id}/usage?from=yesterday&to=2026-01-01`)).status, 400);
    assert.equal((await admin.call('GET', `/users/${user.id}/usage`)).status, 400);
  });
});
