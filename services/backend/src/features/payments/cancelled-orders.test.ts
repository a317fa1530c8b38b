import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createConsoleClient, signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, testStack } from '@codex-gateway/stack/testing';
import { deliverStripe, paidCheckoutEvent } from './test-support.js';

const stack = testStack();
const admin = adminApi(stack);
const fake = stack.payments.fakeUrl!;

/** A signed-in customer with a pending order for a new package: the order and the link the provider sends them back with. */
async function pendingOrder(provider: 'stripe' | 'epay', price = 1500, currency = provider === 'epay' ? 'CNY' : 'USD') {
  const person = await signedUpPerson(stack);
  const pkg = await admin.createPackage({ price_cents: price, currency, daily_request_limit: 50 });
  const placed = await person.client.call('POST', '/orders', { package_id: pkg.id, provider });
  assert.equal(placed.status, 201, placed.text);
  return { ...person, pkg, order: placed.body as { order_no: string; checkout_url: string; amount_cents: number } };
}

/** What the fake Stripe Checkout page shows the buyer: its Cancel link, and whether it can still be paid. */
async function stripePage(checkoutUrl: string) {
  const html = await (await fetch(checkoutUrl)).text();
  const cancel = /<a href="([^"]+)">Cancel<\/a>/.exec(html)?.[1]?.replaceAll('&amp;', '&');
  return { cancel, payable: html.includes('>Pay</button>'), html };
}

/** The signature of an order's links, as the provider hands it back. */
const sigOf = (link: string) => new URL(link).searchParams.get('sig') ?? '';

/** The cancel page's call, from a browser without a session (the signed link is the permission). */
async function cancel(orderNo: string, sig: unknown) {
  const anyone = createConsoleClient(stack);
  await anyone.session();
  return anyone.call('POST', `/order-status/${orderNo}/cancel`, sig === undefined ? {} : { sig });
}

/** A checkout.session.completed for the order, signed as Stripe signs it, posted through nginx. */
const paidEvent = (orderNo: string, amount: number, id: string) =>
  deliverStripe(stack.gatewayUrl, paidCheckoutEvent(orderNo, amount, { secret: stack.payments.stripeWebhookSecret, id }));

describe('cancelling a payment', () => {
  test("Stripe's Cancel leads to a page that cancels the order, and the checkout can no longer be paid", async () => {
    const { client, order } = await pendingOrder('stripe');
    const page = await stripePage(order.checkout_url);
    assert.ok(page.cancel, 'the checkout page has a Cancel link');
    // Not the return page ("waiting for confirmation…") any more: a page of its own.
    assert.equal(new URL(page.cancel).pathname, `/orders/${order.order_no}/cancelled`);
    assert.equal(new URL(page.cancel).origin, stack.gatewayUrl);

    const cancelled = await cancel(order.order_no, sigOf(page.cancel));
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.equal(cancelled.body.order_no, order.order_no);
    assert.equal(typeof cancelled.body.package_id, 'number', 'what "Try again" buys');
    assert.equal(cancelled.body.provider, 'stripe');

    const mine = (await client.call('GET', `/orders/${order.order_no}`)).body;
    assert.equal(mine.status, 'cancelled');
    assert.ok(mine.cancelled_at, 'stamped');
    assert.equal(mine.checkout_url, null, 'nothing left to pay');
    const status = await createConsoleClient(stack).call('GET', `/order-status/${order.order_no}?sig=${sigOf(page.cancel)}`);
    assert.equal(status.body.status, 'cancelled');

    // The session was expired at Stripe: a second tab cannot pay it any more.
    const after = await stripePage(order.checkout_url);
    assert.equal(after.payable, false);
    assert.match(after.html, /expired/);
    const sessionId = order.checkout_url.split('/').pop();
    const pay = await fetch(`${fake}/__fake/stripe/sessions/${sessionId}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(pay.status, 400);

    // Staff see it among the cancelled orders.
    const listed = await admin.call('GET', '/orders?status=cancelled');
    assert.equal(listed.status, 200);
    assert.ok(listed.body.data.some((o: { order_no: string }) => o.order_no === order.order_no));
  });

  test('a payment that arrives after the cancel is honoured, once: the order is fulfilled and the package added', async () => {
    const { client, order, pkg } = await pendingOrder('stripe', 2500);
    const sig = sigOf((await stripePage(order.checkout_url)).cancel!);
    assert.equal((await cancel(order.order_no, sig)).body.status, 'cancelled');
    // Paid in the moment before the cancel (the provider's notice is late), delivered ten times at once.
    const answers = await Promise.all(Array.from({ length: 10 }, () => paidEvent(order.order_no, 2500, `evt_late_${order.order_no}`)));
    assert.deepEqual(
      answers.map((r) => r.status),
      Array(10).fill(200),
    );
    const mine = (await client.call('GET', `/orders/${order.order_no}`)).body;
    assert.equal(mine.status, 'fulfilled');
    assert.ok(mine.cancelled_at, 'the cancel stays in its history');
    const periods = (await client.call('GET', '/packages')).body;
    assert.equal(periods.current.package_id, pkg.id);
    assert.equal(periods.current.order_no, order.order_no);
    assert.equal(periods.queued.length, 0, 'exactly one period');

    // Another event for the same order (a second notice) adds nothing either.
    assert.equal((await paidEvent(order.order_no, 2500, `evt_again_${order.order_no}`)).status, 200);
    assert.equal((await client.call('GET', '/packages')).body.queued.length, 0);
    // A cancel now changes nothing: the order is paid.
    const late = await cancel(order.order_no, sig);
    assert.equal(late.status, 200);
    assert.equal(late.body.status, 'fulfilled');
  });

  test('an order paid before the buyer pressed Cancel stays paid; a wrong or missing signature cancels nothing', async () => {
    const { client, order } = await pendingOrder('stripe');
    const link = (await stripePage(order.checkout_url)).cancel!;
    const wrong = await cancel(order.order_no, 'x'.repeat(32));
    assert.equal(wrong.status, 404);
    assert.equal(wrong.body.error.code, 'order_not_found');
    const none = await cancel(order.order_no, undefined);
    assert.equal(none.status, 400);
    assert.equal(typeof none.body.error.message, 'string');
    assert.equal((await cancel('CG00000000000000000AAAAAAAA', sigOf(link))).status, 404);
    assert.equal((await client.call('GET', `/orders/${order.order_no}`)).body.status, 'pending');

    const sessionId = order.checkout_url.split('/').pop();
    const pay = await fetch(`${fake}/__fake/stripe/sessions/${sessionId}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(pay.status, 200);
    const pressed = await cancel(order.order_no, sigOf(link));
    assert.equal(pressed.status, 200);
    assert.equal(pressed.body.status, 'fulfilled');
    assert.equal((await client.call('GET', '/packages')).body.current.order_no, order.order_no);
  });

  test('an EPay order can be cancelled from its return link; cancelling again answers the same; a late EPay payment still fulfils it', async () => {
    const { client, order } = await pendingOrder('epay', 6800);
    const checkout = new URL(order.checkout_url);
    const returnUrl = checkout.searchParams.get('return_url')!;
    assert.equal(new URL(returnUrl).pathname, `/orders/${order.order_no}/return`);
    // The fake cashier page lets the buyer go back without paying, as real ones do.
    const page = await (await fetch(order.checkout_url)).text();
    assert.ok(page.includes(`href="${returnUrl.replaceAll('&', '&amp;')}"`), 'a link back to the merchant');

    const first = await cancel(order.order_no, sigOf(returnUrl));
    assert.equal(first.body.status, 'cancelled');
    const stamped = (await client.call('GET', `/orders/${order.order_no}`)).body.cancelled_at;
    const second = await cancel(order.order_no, sigOf(returnUrl));
    assert.equal(second.status, 200);
    assert.equal(second.body.status, 'cancelled');
    assert.equal((await client.call('GET', `/orders/${order.order_no}`)).body.cancelled_at, stamped);

    const paid = await fetch(`${fake}/__fake/epay/orders/${order.order_no}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(paid.status, 200);
    assert.equal(((await paid.json()) as { acknowledged: boolean }).acknowledged, true);
    const renotified = await fetch(`${fake}/__fake/epay/orders/${order.order_no}/renotify`, { method: 'POST' });
    assert.equal(renotified.status, 200);
    assert.equal((await client.call('GET', `/orders/${order.order_no}`)).body.status, 'fulfilled');
    const periods = (await client.call('GET', '/packages')).body;
    assert.equal(periods.current.order_no, order.order_no);
    assert.equal(periods.queued.length, 0);
  });
});
