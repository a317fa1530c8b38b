import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, payOnFakeStripe, postJson, testStack } from '@codex-gateway/stack/testing';
import { periodStatus } from './period-status.js';

const stack = testStack();
const admin = adminApi(stack);

const dayAfter = (ymd: string, n = 1) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe('periods that start later are queued', () => {
  test('a period is queued before its first day, active through its last, ended after; cancelled and refunded stay so', () => {
    const cases: Array<[status: 'active' | 'cancelled' | 'refunded', start: string, end: string, today: string, expected: string]> = [
      ['active', '2027-01-10', '2027-02-08', '2027-01-09', 'queued'],
      ['active', '2027-01-10', '2027-02-08', '2027-01-10', 'active'],
      ['active', '2027-01-10', '2027-02-08', '2027-02-08', 'active'],
      ['active', '2027-01-10', '2027-02-08', '2027-02-09', 'ended'],
      ['active', '2027-01-10', '2027-01-10', '2027-01-10', 'active'],
      ['refunded', '2027-01-10', '2027-02-08', '2027-01-09', 'refunded'],
      ['cancelled', '2027-01-10', '2027-02-08', '2027-01-20', 'cancelled'],
    ];
    for (const [status, start_date, end_date, today, expected] of cases) {
      assert.equal(periodStatus({ status, start_date, end_date }, today), expected, `${status} ${start_date}..${end_date} on ${today}`);
    }
  });

  test('a package granted, bought or redeemed while another runs is answered as queued by the console, admin and customer APIs', async () => {
    const { client, userId } = await signedUpPerson(stack);
    const today = (await client.call('GET', '/usage/today')).body.date as string;

    // Nothing yet: a package bought now starts today.
    const empty = (await client.call('GET', '/catalog')).body;
    assert.equal(empty.starts_on, today);
    assert.equal(empty.starts_today, true);

    const month = await admin.createPackage({ duration_days: 30, price_cents: 0 });
    const first = await admin.call('POST', `/users/${userId}/packages`, { package_id: month.id });
    assert.equal(first.body.status, 'active');
    const week = await admin.createPackage({ duration_days: 7, price_cents: 0 });
    const second = await admin.call('POST', `/users/${userId}/packages`, { package_id: week.id });
    assert.equal(second.status, 201);
    assert.equal(second.body.status, 'queued');
    assert.equal(second.body.start_date, dayAfter(first.body.end_date));

    // Before paying, the buyer is told when a package bought now would start: after both.
    const catalog = (await client.call('GET', '/catalog')).body;
    assert.equal(catalog.starts_today, false);
    assert.equal(catalog.starts_on, dayAfter(second.body.end_date));

    // Bought with the Stripe fake: queued, starting that very day.
    const pkg = await admin.createPackage({ duration_days: 30, price_cents: 700 });
    const order = await client.call('POST', '/orders', { package_id: pkg.id, provider: 'stripe' });
    assert.equal(order.status, 201, order.text);
    const paid = await payOnFakeStripe(order.body.checkout_url);
    assert.equal(paid.status, 200);

    const mine = (await client.call('GET', '/packages')).body;
    assert.equal(mine.current.status, 'active');
    assert.equal(mine.current.package_id, month.id);
    assert.deepEqual(
      mine.queued.map((p: { package_id: number; status: string }) => [p.package_id, p.status]),
      [
        [week.id, 'queued'],
        [pkg.id, 'queued'],
      ],
    );
    const bought = mine.queued.find((p: { order_no: string | null }) => p.order_no === order.body.order_no);
    assert.equal(bought.start_date, catalog.starts_on, 'it starts on the day the Buy page said');

    // Staff see the same.
    const listed = (await admin.call('GET', `/users/${userId}/packages`)).body;
    assert.deepEqual(
      listed.map((p: { status: string }) => p.status),
      ['active', 'queued', 'queued'],
    );
    const picture = (await admin.call('GET', `/users/${userId}`)).body;
    assert.deepEqual(
      picture.packages.map((p: { status: string }) => p.status),
      ['active', 'queued', 'queued'],
    );

    // Redeemed, in the console and with an API key: queued as well.
    const { codes } = (await admin.call('POST', '/redemption-codes', { package_id: week.id, count: 2 })).body;
    const redeemed = await client.call('POST', '/redeem', { code: codes[0] });
    assert.equal(redeemed.status, 201, redeemed.text);
    assert.equal(redeemed.body.status, 'queued');
    const key = await admin.issueKey(userId);
    const viaApi = await postJson(`${stack.gatewayUrl}/v1/redeem`, key.key, { code: codes[1] });
    assert.equal(viaApi.status, 201);
    assert.equal((viaApi.body as { status: string }).status, 'queued');
  });

  test("a customer's first package is active at once, and its period is never called queued", async () => {
    const { client, userId } = await signedUpPerson(stack);
    const pkg = await admin.createPackage({ duration_days: 30, price_cents: 0 });
    const granted = await admin.call('POST', `/users/${userId}/packages`, { package_id: pkg.id });
    assert.equal(granted.body.status, 'active');
    const mine = (await client.call('GET', '/packages')).body;
    assert.equal(mine.current.status, 'active');
    assert.deepEqual(mine.queued, []);
    // After it, the next one would start the day after it ends.
    const catalog = (await client.call('GET', '/catalog')).body;
    assert.equal(catalog.starts_on, dayAfter(granted.body.end_date));
  });
});
