import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, getWithKey, postJson, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const fake = stack.payments.fakeUrl!;
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'paid later' }] };

/** A customer with a key, no package, and a pending Stripe order for a new package. */
async function stripeOrder() {
  const { userId, key, packageId } = await admin.buyer({ daily_request_limit: 10, price_cents: 2500, currency: 'eur' });
  const created = await postJson(`${stack.gatewayUrl}/v1/orders`, key, { package_id: packageId, provider: 'stripe' });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return {
    userId,
    key,
    orderNo: created.body.order_no as string,
    sessionId: created.body.checkout_url.split('/').pop() as string,
  };
}

async function fakeCall(path: string, body: unknown = {}) {
  const res = await fetch(`${fake}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as any;
}

async function orderStatus(key: string, orderNo: string): Promise<string> {
  return JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/orders/${orderNo}`, key)).body).status;
}

async function periods(userId: number): Promise<unknown[]> {
  return (await admin.call('GET', `/users/${userId}/packages`)).body;
}

/** The order's payment events, oldest first, once the replica has all `count` of them. */
async function paymentEvents(orderNo: string, count: number): Promise<Array<{ event_type: string; outcome: string }>> {
  let events: Array<{ event_type: string; outcome: string }> = [];
  await waitFor(
    `${count} payment events of ${orderNo} on the replica`,
    async () => {
      events = (await admin.call('GET', `/payment-events?order_no=${orderNo}`)).body.data;
      return events.length === count;
    },
    5000,
    50,
  );
  return events.reverse();
}

describe('Stripe delayed payment methods', () => {
  test('a checkout completed with a delayed method grants nothing until the payment succeeds, then exactly once', async () => {
    const { userId, key, orderNo, sessionId } = await stripeOrder();

    const completed = await fakeCall(`/__fake/stripe/sessions/${sessionId}/pay`, { delayed: 'pending' });
    assert.equal(completed.event.data.object.payment_status, 'unpaid');
    assert.equal(completed.delivery.status, 200, completed.delivery.body);
    assert.equal(await orderStatus(key, orderNo), 'pending');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 429, 'no package while the money is on its way');
    assert.deepEqual(await periods(userId), []);
    // Not lost: the completed checkout is on record.
    assert.deepEqual(
      (await paymentEvents(orderNo, 1)).map((e) => [e.event_type, e.outcome]),
      [['checkout.session.completed', 'awaiting_payment']],
    );

    const succeeded = await fakeCall(`/__fake/stripe/sessions/${sessionId}/settle`, { outcome: 'succeeded' });
    assert.equal(succeeded.event.type, 'checkout.session.async_payment_succeeded');
    assert.equal(succeeded.delivery.status, 200, succeeded.delivery.body);
    assert.equal(await orderStatus(key, orderNo), 'fulfilled');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 200);

    // Stripe delivers again (a lost answer, a retry): several at once change nothing.
    const again = await Promise.all(Array.from({ length: 5 }, () => fakeCall(`/__fake/stripe/events/${succeeded.event.id}/redeliver`)));
    assert.deepEqual(
      again.map((r) => r.delivery.status),
      Array(5).fill(200),
    );
    assert.equal((await periods(userId)).length, 1);
    const events = await paymentEvents(orderNo, 2);
    assert.deepEqual(
      events.map((e) => [e.event_type, e.outcome]),
      [
        ['checkout.session.completed', 'awaiting_payment'],
        ['checkout.session.async_payment_succeeded', 'fulfilled'],
      ],
    );
  });

  test('a delayed payment that fails leaves no package and the order failed', async () => {
    const { userId, key, orderNo, sessionId } = await stripeOrder();
    const paid = await fakeCall(`/__fake/stripe/sessions/${sessionId}/pay`, { delayed: 'failed' });
    assert.equal(paid.delivery.status, 200, paid.delivery.body);
    assert.equal(paid.settlement.event.type, 'checkout.session.async_payment_failed');
    assert.equal(paid.settlement.delivery.status, 200, paid.settlement.delivery.body);

    assert.equal(await orderStatus(key, orderNo), 'failed');
    assert.deepEqual(await periods(userId), []);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat)).status, 429);
    const events = await paymentEvents(orderNo, 2);
    assert.deepEqual(
      events.map((e) => [e.event_type, e.outcome]),
      [
        ['checkout.session.completed', 'awaiting_payment'],
        ['checkout.session.async_payment_failed', 'payment_failed'],
      ],
    );
    let failed: Array<{ order_no: string }> = [];
    await waitFor(
      'the failed order in the admin list',
      async () => {
        failed = (await admin.call('GET', `/orders?user_id=${userId}&status=failed`)).body.data;
        return failed.length === 1;
      },
      5000,
      50,
    );
    assert.equal(failed[0]!.order_no, orderNo);
  });
});
