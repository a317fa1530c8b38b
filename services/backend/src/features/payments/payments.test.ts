import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { signEpay } from '@codex-gateway/fake-payments';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, getWithKey, postJson, testStack, waitFor } from '@codex-gateway/stack/testing';
import { deliverStripe, paidCheckoutEvent } from './test-support.js';

const stack = testStack();
const admin = adminApi(stack);
const fake = stack.payments.fakeUrl!;
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'paid' }] };

/** A package for sale; the stack's EPay merchant takes CNY (EPAY_CURRENCY's default). */
const packageForSale = (price: number, currency = 'USD') => admin.createPackage({ daily_request_limit: 100, price_cents: price, currency });

/** A customer with a key and no package, and a package for sale. */
const buyer = (price = 1999, currency = 'USD') => admin.buyer({ daily_request_limit: 100, price_cents: price, currency });

async function order(key: string, packageId: number, provider: string, extra: Record<string, unknown> = {}) {
  return postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider, ...extra });
}

async function orderStatus(key: string, orderNo: string): Promise<string> {
  return JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/orders/${orderNo}`, key)).body).status;
}

async function fakeCall(path: string, body: unknown = {}) {
  const res = await fetch(`${fake}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as any;
}

/** A checkout.session.completed event for an order, signed as Stripe signs it. */
const stripeEvent = (orderNo: string, amount: number, opts: { id?: string; timestamp?: number; secret?: string } = {}) =>
  paidCheckoutEvent(orderNo, amount, { ...opts, id: opts.id ?? `evt_test_${orderNo}`, secret: opts.secret ?? stack.payments.stripeWebhookSecret });

function epayNotify(orderNo: string, money: string, tradeNo = `T${orderNo}`) {
  const params: Record<string, string> = {
    pid: stack.payments.epayPid,
    trade_no: tradeNo,
    out_trade_no: orderNo,
    type: 'alipay',
    name: 'Pro',
    money,
    trade_status: 'TRADE_SUCCESS',
  };
  return new URLSearchParams({ ...params, sign: signEpay(params, stack.payments.epayKey), sign_type: 'MD5' });
}

async function periods(userId: number) {
  return (await admin.call('GET', `/users/${userId}/packages`)).body as Array<{
    status: string;
    start_date: string;
    end_date: string;
    order_id: number | null;
  }>;
}

describe('buying packages with Stripe Checkout', () => {
  test('an order takes its amount from the package, pays on Stripe, and the package works at once', async () => {
    const { key, pkg, userId } = await buyer(1999);
    const created = await order(key, pkg.id, 'stripe', { amount_cents: 1, currency: 'EUR' });
    assert.equal(created.status, 201);
    assert.equal(created.body.status, 'pending');
    assert.equal(created.body.amount_cents, 1999);
    assert.equal(created.body.currency, 'USD');
    assert.match(created.body.order_no, /^CG\d{17}[0-9A-F]{8}$/);
    assert.match(created.body.checkout_url, new RegExp(`^${fake}/checkout/cs_`));
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 429, 'no package before paying');

    const sessionId = created.body.checkout_url.split('/').pop();
    const paid = await fakeCall(`/__fake/stripe/sessions/${sessionId}/pay`);
    assert.equal(paid.delivery.status, 200);
    assert.equal(await orderStatus(key, created.body.order_no), 'fulfilled');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    const [period] = await periods(userId);
    assert.equal(period!.status, 'active');

    // Another customer cannot see the order.
    const other = await admin.customer();
    assert.equal((await getWithKey(`${stack.gatewayUrl}/v1/orders/${created.body.order_no}`, other.key)).status, 404);
  });

  test('ten concurrent deliveries of the same webhook activate exactly one package', async () => {
    const { key, pkg, userId } = await buyer(500);
    const created = await order(key, pkg.id, 'stripe');
    const event = stripeEvent(created.body.order_no, 500);
    const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => deliverStripe(targets[i % targets.length]!, event)));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(10).fill(200),
    );
    assert.equal((await periods(userId)).length, 1);
    // Admin views read the replica: give it the moment it needs to replay.
    let events: Array<{ outcome: string }> = [];
    await waitFor(
      'the event on the replica',
      async () => {
        events = (await admin.call('GET', `/payment-events?order_no=${created.body.order_no}`)).body.data;
        return events.length > 0;
      },
      5000,
      50,
    );
    assert.equal(events.length, 1);
    assert.equal(events[0]!.outcome, 'fulfilled');
  });

  test('a bad signature, a stale event or a wrong amount changes nothing and gets a 4xx', async () => {
    const { key, pkg, userId } = await buyer(700);
    const created = await order(key, pkg.id, 'stripe');
    const orderNo = created.body.order_no;
    const forged = await deliverStripe(stack.gatewayUrl, stripeEvent(orderNo, 700, { secret: 'whsec_not_the_secret', id: 'evt_forged' }));
    assert.equal(forged.status, 400);
    const stale = await deliverStripe(stack.gatewayUrl, stripeEvent(orderNo, 700, { timestamp: Math.floor(Date.now() / 1000) - 3600, id: 'evt_stale' }));
    assert.equal(stale.status, 400);
    const tampered = stripeEvent(orderNo, 700, { id: 'evt_tampered' });
    const changed = await deliverStripe(stack.gatewayUrl, {
      payload: tampered.payload.replace('"amount_total":700', '"amount_total":7'),
      header: tampered.header,
    });
    assert.equal(changed.status, 400);
    const cheap = await deliverStripe(stack.gatewayUrl, stripeEvent(orderNo, 1, { id: `evt_cheap_${orderNo}` }));
    assert.equal(cheap.status, 400);
    assert.equal(((await cheap.json()) as any).error.code, 'amount_mismatch');
    assert.equal(await orderStatus(key, orderNo), 'pending');
    assert.equal((await periods(userId)).length, 0);
  });

  test('a payment arriving after the order expired is still honoured', async () => {
    const { key, pkg } = await buyer(900);
    const created = await order(key, pkg.id, 'stripe');
    const pg = (await import('pg')).default;
    const db = new pg.Client({ connectionString: stack.postgres.primaryUrl });
    await db.connect();
    await db.query(`UPDATE payment_orders SET expires_at = now() - interval '1 minute' WHERE order_no = $1`, [created.body.order_no]);
    await db.end();
    assert.equal(await orderStatus(key, created.body.order_no), 'expired');
    assert.equal((await deliverStripe(stack.gatewayUrl, stripeEvent(created.body.order_no, 900))).status, 200);
    assert.equal(await orderStatus(key, created.body.order_no), 'fulfilled');
  });

  test('buying while a package is active queues the new period right after it', async () => {
    const { key, pkg, userId } = await buyer(300);
    for (let i = 0; i < 2; i += 1) {
      const created = await order(key, pkg.id, 'stripe');
      assert.equal((await deliverStripe(stack.gatewayUrl, stripeEvent(created.body.order_no, 300))).status, 200);
    }
    const [first, second] = await periods(userId);
    const next = new Date(Date.parse(`${first!.end_date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    assert.equal(second!.start_date, next);
  });

  test('an admin refund ends the package at once', async () => {
    const { key, pkg } = await buyer(400);
    const created = await order(key, pkg.id, 'stripe');
    assert.equal((await admin.call('POST', `/orders/${created.body.order_no}/refund`)).status, 409, 'a pending order cannot be refunded');
    await deliverStripe(stack.gatewayUrl, stripeEvent(created.body.order_no, 400));
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
    const refunded = await admin.call('POST', `/orders/${created.body.order_no}/refund`);
    assert.equal(refunded.status, 200);
    assert.equal(refunded.body.status, 'refunded');
    for (const b of stack.backends) assert.equal((await postJson(`${b.url}/v1/chat/completions`, key, chat)).status, 429);
  });
});

describe('buying packages with EPay', () => {
  test('the checkout URL is a signed EPay payment link, and the signed notify fulfils the order', async () => {
    const { key, pkg } = await buyer(1234, 'CNY');
    const created = await order(key, pkg.id, 'epay');
    assert.equal(created.status, 201);
    const link = new URL(created.body.checkout_url);
    assert.equal(`${link.origin}${link.pathname}`, `${fake}/submit.php`);
    const params = Object.fromEntries(link.searchParams);
    assert.equal(params.money, '12.34');
    assert.equal(params.out_trade_no, created.body.order_no);
    assert.equal(params.sign, signEpay(params, stack.payments.epayKey));
    assert.equal(params.notify_url, `${stack.gatewayUrl}/api/payments/notify/epay`);

    // The buyer opens the payment page; the EPay site checks the link's signature.
    const page = await fetch(created.body.checkout_url);
    assert.equal(page.status, 200, await page.clone().text());
    const paid = await fakeCall(`/__fake/epay/orders/${created.body.order_no}/pay`);
    assert.equal(paid.delivery.body, 'success');
    assert.equal(await orderStatus(key, created.body.order_no), 'fulfilled');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);
  });

  test('ten concurrent notifies activate one package; a bad signature or amount gets "fail"', async () => {
    const { key, pkg, userId } = await buyer(990, 'CNY');
    const created = await order(key, pkg.id, 'epay');
    const orderNo = created.body.order_no;

    const forged = epayNotify(orderNo, '9.90');
    forged.set('sign', 'deadbeef'.repeat(4));
    assert.equal(await (await fetch(`${stack.gatewayUrl}/api/payments/notify/epay?${forged}`)).text(), 'fail');
    const cheap = epayNotify(orderNo, '0.01', 'T-cheap');
    assert.equal(await (await fetch(`${stack.gatewayUrl}/api/payments/notify/epay?${cheap}`)).text(), 'fail');
    assert.equal(await orderStatus(key, orderNo), 'pending');

    const notify = epayNotify(orderNo, '9.90');
    const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? fetch(`${targets[i % targets.length]}/api/payments/notify/epay?${notify}`).then((r) => r.text())
          : fetch(`${targets[i % targets.length]}/api/payments/notify/epay`, { method: 'POST', body: notify }).then((r) => r.text()),
      ),
    );
    assert.deepEqual(replies, Array(10).fill('success'));
    assert.equal((await periods(userId)).length, 1);
  });

  test("a package priced in another currency than the EPay merchant's is refused for EPay, and Stripe still takes it", async () => {
    const { key, pkg } = await buyer(1000, 'USD');
    const refused = await order(key, pkg.id, 'epay');
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.type, 'invalid_request_error');
    assert.equal(refused.body.error.code, 'currency_not_supported');
    assert.match(refused.body.error.message, /CNY/);
    assert.match(refused.body.error.message, /USD/);
    assert.equal((await order(key, pkg.id, 'stripe')).status, 201);

    const euro = await packageForSale(1000, 'eur');
    assert.equal((await order(key, euro.id, 'epay')).body.error?.code, 'currency_not_supported');
    const yuan = await packageForSale(1000, 'cny');
    const accepted = await order(key, yuan.id, 'epay');
    assert.equal(accepted.status, 201);
    assert.equal(accepted.body.currency, 'CNY');
    assert.equal(new URL(accepted.body.checkout_url).searchParams.get('money'), '10.00');
  });
});

describe('redemption codes', () => {
  test('a code redeemed at the same instant from every replica activates once', async () => {
    const pkg = await admin.createPackage({ daily_request_limit: 10 });
    const batch = await admin.call('POST', '/redemption-codes', { package_id: pkg.id, count: 3 });
    assert.equal(batch.status, 201);
    assert.equal(batch.body.codes.length, 3);
    assert.equal(new Set(batch.body.codes).size, 3);
    const code = batch.body.codes[0];
    const customers = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const user = await admin.createUser();
        return { userId: user.id as number, key: (await admin.issueKey(user.id)).key as string };
      }),
    );
    const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
    const answers = await Promise.all(customers.map((c, i) => postJson(`${targets[i % targets.length]}/v1/redeem`, c.key, { code: code.toLowerCase() })));
    assert.equal(answers.filter((a) => a.status === 201).length, 1);
    assert.equal(answers.filter((a) => a.status === 409).length, 9);
    const winner = customers[answers.findIndex((a) => a.status === 201)]!;
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, winner.key, chat)).status, 200);
    const unknown = await postJson(`${stack.gatewayUrl}/v1/redeem`, winner.key, { code: 'NOPE-NOPE-NOPE-NOPE' });
    assert.equal(unknown.status, 404);
  });
});

describe('orders: admin views and bad input', () => {
  test('orders can be listed and filtered; unknown providers and packages are refused', async () => {
    const { key, pkg, userId } = await buyer(100);
    const a = await order(key, pkg.id, 'stripe');
    await order(key, (await packageForSale(100, 'CNY')).id, 'epay');
    await deliverStripe(stack.gatewayUrl, stripeEvent(a.body.order_no, 100));
    // Admin lists read the replica: give it the moment it needs to replay.
    let mine: Array<{ order_no: string; status: string }> = [];
    await waitFor(
      'both orders on the replica',
      async () => {
        mine = (await admin.call('GET', `/orders?user_id=${userId}`)).body.data;
        return mine.length === 2 && mine.some((o) => o.status === 'fulfilled');
      },
      5000,
      50,
    );
    assert.ok(mine[0]!.order_no > mine[1]!.order_no, 'newest first');
    const fulfilled = (await admin.call('GET', `/orders?user_id=${userId}&status=fulfilled`)).body.data;
    assert.deepEqual(
      fulfilled.map((o: { order_no: string }) => o.order_no),
      [a.body.order_no],
    );
    assert.equal((await admin.call('GET', '/orders?status=bogus')).status, 400);

    assert.equal((await order(key, pkg.id, 'paypal')).status, 400);
    assert.equal((await order(key, 999999999, 'stripe')).status, 404);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/orders`, key, { provider: 'stripe' })).status, 400);
    assert.equal((await getWithKey(`${stack.gatewayUrl}/v1/orders/CG0000`, key)).status, 404);
  });

  test('a package not sold for money (price 0), or one retired, cannot be ordered through either provider or the console, and no order is written', async () => {
    const { key, userId, packageId } = await buyer(0);
    const retired = await packageForSale(500);
    assert.equal((await admin.call('POST', `/packages/${retired.id}/retire`)).status, 200);
    for (const [pkg, provider] of [
      [packageId, 'stripe'],
      [packageId, 'epay'],
      [retired.id, 'stripe'],
    ] as const) {
      const res = await order(key, pkg, provider);
      assert.equal(res.status, 404, `${pkg} by ${provider}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'package_not_found');
    }
    const person = await signedUpPerson(stack);
    const viaConsole = await person.client.call('POST', '/orders', { package_id: packageId, provider: 'stripe' });
    assert.equal(viaConsole.status, 404, viaConsole.text);
    const orders = await admin.call('GET', `/orders?user_id=${userId}`);
    assert.deepEqual(orders.body.data, []);
  });
});
