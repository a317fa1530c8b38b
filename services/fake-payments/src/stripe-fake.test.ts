import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { type FakeStripe, type StripeEvent, type WebhookResult, createFakeStripe } from './index.js';
import { type TestMerchant, startTestMerchant } from './test-merchant.js';

const WEBHOOK_SECRET = 'whsec_test_fake_payments_secret';
const API_KEY = 'sk_test_fake_payments_key';

let fake: FakeStripe;
let base: string;
let merchant: TestMerchant;
let stripe: Stripe;

before(async () => {
  merchant = await startTestMerchant('{"received":true}');
  // The webhook URL is set after start, as in the dev stack where the backend comes up later.
  fake = createFakeStripe({ webhookSecret: WEBHOOK_SECRET, apiKey: API_KEY });
  const { port, url } = await fake.listen(0, '127.0.0.1');
  base = url;
  fake.setWebhookUrl(`${merchant.url}/webhooks/stripe`);
  stripe = new Stripe(API_KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
});
after(async () => {
  await fake.close();
  await merchant.close();
});
beforeEach(() => {
  merchant.calls.length = 0;
  merchant.answer.status = 200;
  merchant.answer.body = '{"received":true}';
});

function createSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}, options?: Stripe.RequestOptions) {
  return stripe.checkout.sessions.create(
    {
      mode: 'payment',
      success_url: 'http://merchant.test/paid?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://merchant.test/cancelled',
      client_reference_id: 'ORD-1',
      metadata: { order_no: 'ORD-1', user_id: '42' },
      line_items: [
        { price_data: { currency: 'usd', unit_amount: 999, product_data: { name: 'Starter pack' } }, quantity: 2 },
        { price_data: { currency: 'usd', unit_amount: 150, product_data: { name: 'Top-up' } }, quantity: 1 },
      ],
      ...extra,
    },
    options,
  );
}

async function controlPay(id: string, body?: unknown): Promise<{ status: number; json: WebhookResult }> {
  const res = await fetch(`${base}/__fake/stripe/sessions/${id}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as WebhookResult };
}

describe('Checkout Sessions through the official client', () => {
  test('create returns a hosted, open session priced from its line items', async () => {
    const session = await createSession();
    assert.match(session.id, /^cs_test_[A-Za-z0-9]+$/);
    assert.equal(session.object, 'checkout.session');
    assert.equal(session.url, `${base}/checkout/${session.id}`);
    assert.equal(session.mode, 'payment');
    assert.equal(session.status, 'open');
    assert.equal(session.payment_status, 'unpaid');
    assert.equal(session.amount_total, 999 * 2 + 150);
    assert.equal(session.currency, 'usd');
    assert.equal(session.client_reference_id, 'ORD-1');
    assert.deepEqual(session.metadata, { order_no: 'ORD-1', user_id: '42' });
    assert.equal(session.livemode, false);
    assert.equal(session.expires_at - session.created, 24 * 60 * 60);
    assert.match(session.lastResponse.requestId, /^req_/);

    const again = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(again.id, session.id);
    assert.equal(again.amount_total, session.amount_total);
  });

  test("invalid parameters get Stripe's error shape with the offending param", async () => {
    await assert.rejects(createSession({ success_url: undefined }), (err: Stripe.errors.StripeError) => {
      assert.equal(err.type, 'StripeInvalidRequestError');
      assert.equal(err.statusCode, 400);
      assert.equal(err.param, 'success_url');
      return true;
    });
    await assert.rejects(createSession({ line_items: [{ price: 'price_123', quantity: 1 }] }), (err: Stripe.errors.StripeError) => {
      assert.equal(err.code, 'resource_missing');
      assert.equal(err.param, 'line_items[0][price]');
      return true;
    });
    await assert.rejects(
      createSession({ line_items: [{ price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'x' } } }] }),
      (err: Stripe.errors.StripeError) => err.param === 'line_items[0][quantity]',
    );
    await assert.rejects(stripe.checkout.sessions.retrieve('cs_test_nope'), (err: Stripe.errors.StripeError) => {
      assert.equal(err.statusCode, 404);
      assert.equal(err.code, 'resource_missing');
      return true;
    });
  });

  test('a wrong API key is a 401 that does not echo the key', async () => {
    const wrong = new Stripe('sk_test_wrong_key_value', { host: '127.0.0.1', port: new URL(base).port, protocol: 'http', maxNetworkRetries: 0 });
    await assert.rejects(wrong.checkout.sessions.retrieve('cs_test_x'), (err: Stripe.errors.StripeError) => {
      assert.equal(err.type, 'StripeAuthenticationError');
      assert.equal(err.statusCode, 401);
      assert.ok(!err.message.includes('wrong_key_value') && !err.message.includes(API_KEY));
      return true;
    });
  });

  test('the same Idempotency-Key returns the same session; other params with it are refused', async () => {
    const key = `test-${Date.now()}`;
    const first = await createSession({}, { idempotencyKey: key });
    const second = await createSession({}, { idempotencyKey: key });
    assert.equal(second.id, first.id);
    assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
    await assert.rejects(createSession({ client_reference_id: 'OTHER' }, { idempotencyKey: key }), (err: Stripe.errors.StripeError) => {
      assert.equal(err.type, 'StripeIdempotencyError');
      return true;
    });
    const fresh = await createSession();
    assert.notEqual(fresh.id, first.id);
  });

  test('expire closes an open session', async () => {
    const session = await createSession();
    const expired = await stripe.checkout.sessions.expire(session.id);
    assert.equal(expired.status, 'expired');
    assert.equal(expired.url, null);
    assert.equal((await controlPay(session.id)).status, 400);
  });
});

describe('paying and webhooks', () => {
  test('paying sends a checkout.session.completed the merchant can verify with constructEvent', async () => {
    const session = await createSession();
    const { status, json } = await controlPay(session.id);
    assert.equal(status, 200);
    assert.deepEqual(json.delivery, { status: 200, body: '{"received":true}' });
    assert.equal(merchant.calls.length, 1);
    const call = merchant.calls[0]!;
    assert.equal(call.method, 'POST');
    assert.equal(call.url, '/webhooks/stripe');
    const header = call.headers['stripe-signature'];
    assert.equal(typeof header, 'string');

    const event = stripe.webhooks.constructEvent(call.rawBody, header as string, WEBHOOK_SECRET);
    assert.equal(event.id, json.event.id);
    assert.match(event.id, /^evt_/);
    assert.equal(event.type, 'checkout.session.completed');
    assert.equal(event.object, 'event');
    assert.equal(event.livemode, false);
    assert.equal(event.api_version, Stripe.API_VERSION);
    const paid = event.data.object as Stripe.Checkout.Session;
    assert.equal(paid.id, session.id);
    assert.equal(paid.status, 'complete');
    assert.equal(paid.payment_status, 'paid');
    assert.equal(paid.amount_total, session.amount_total);
    assert.deepEqual(paid.metadata, { order_no: 'ORD-1', user_id: '42' });
    assert.equal(paid.client_reference_id, 'ORD-1');

    assert.throws(
      () => stripe.webhooks.constructEvent(call.rawBody, header as string, 'whsec_some_other_secret'),
      (err: Error) => err instanceof Stripe.errors.StripeSignatureVerificationError,
    );
    const retrieved = await stripe.checkout.sessions.retrieve(session.id);
    assert.equal(retrieved.status, 'complete');
    assert.equal((await controlPay(session.id)).status, 400, 'a session is paid once');
  });

  test('amount_total override simulates a provider reporting a different amount', async () => {
    const session = await createSession();
    const { json } = await controlPay(session.id, { amount_total: 1 });
    assert.equal(json.event.data.object.amount_total, 1);
    const event = stripe.webhooks.constructEvent(merchant.calls[0]!.rawBody, merchant.calls[0]!.headers['stripe-signature'] as string, WEBHOOK_SECRET);
    assert.equal((event.data.object as Stripe.Checkout.Session).amount_total, 1);
  });

  test('a delayed payment method completes the session unpaid, then succeeds or fails with signed events', async () => {
    const verified = (i: number) => {
      const call = merchant.calls[i]!;
      const event = stripe.webhooks.constructEvent(call.rawBody, call.headers['stripe-signature'] as string, WEBHOOK_SECRET);
      return { type: event.type, session: event.data.object as Stripe.Checkout.Session };
    };
    const later = await createSession();
    const pending = await controlPay(later.id, { delayed: 'pending' });
    assert.equal(pending.status, 200);
    assert.equal((pending.json as { settlement?: unknown }).settlement, undefined);
    assert.equal(merchant.calls.length, 1);
    assert.equal(verified(0).type, 'checkout.session.completed');
    assert.equal(verified(0).session.status, 'complete');
    assert.equal(verified(0).session.payment_status, 'unpaid');
    const settle = (id: string, outcome: string) =>
      fetch(`${base}/__fake/stripe/sessions/${id}/settle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome }),
      });
    const settled = await settle(later.id, 'succeeded');
    assert.equal(settled.status, 200);
    assert.equal(((await settled.json()) as WebhookResult).delivery?.status, 200);
    assert.equal(verified(1).type, 'checkout.session.async_payment_succeeded');
    assert.equal(verified(1).session.payment_status, 'paid');
    assert.equal((await settle(later.id, 'failed')).status, 400, 'a delayed payment settles once');

    const failing = await createSession();
    const failed = await controlPay(failing.id, { delayed: 'failed' });
    assert.equal(failed.status, 200);
    assert.equal((failed.json as { settlement?: WebhookResult }).settlement?.event.type, 'checkout.session.async_payment_failed');
    assert.deepEqual([verified(2).type, verified(3).type], ['checkout.session.completed', 'checkout.session.async_payment_failed']);
    assert.equal(verified(3).session.payment_status, 'unpaid');

    const card = await createSession();
    await controlPay(card.id);
    assert.equal((await settle(card.id, 'succeeded')).status, 400, 'a card payment has nothing to settle');
    assert.equal((await controlPay((await createSession()).id, { delayed: 'maybe' })).status, 400);
  });

  test('redeliver re-sends the same event id and payload with a valid signature', async () => {
    const session = await createSession();
    merchant.answer.status = 500;
    merchant.answer.body = 'database down';
    const first = await controlPay(session.id);
    assert.deepEqual(first.json.delivery, { status: 500, body: 'database down' });

    merchant.answer.status = 200;
    const res = await fetch(`${base}/__fake/stripe/events/${first.json.event.id}/redeliver`, { method: 'POST' });
    assert.equal(res.status, 200);
    const again = (await res.json()) as WebhookResult;
    assert.equal(again.event.id, first.json.event.id);
    assert.equal(again.delivery?.status, 200);
    assert.equal(merchant.calls.length, 2);
    assert.deepEqual(merchant.calls[1]!.rawBody, merchant.calls[0]!.rawBody);
    const event = stripe.webhooks.constructEvent(merchant.calls[1]!.rawBody, merchant.calls[1]!.headers['stripe-signature'] as string, WEBHOOK_SECRET);
    assert.equal(event.id, first.json.event.id);

    const list = (await (await fetch(`${base}/__fake/stripe/events`)).json()) as { object: string; data: StripeEvent[] };
    assert.equal(list.object, 'list');
    assert.equal(list.data[0]?.id, first.json.event.id, 'newest first');
    assert.equal((await fetch(`${base}/__fake/stripe/events/evt_missing/redeliver`, { method: 'POST' })).status, 404);
  });

  test('an unreachable webhook URL is reported, not thrown', async () => {
    const session = await createSession();
    fake.setWebhookUrl('http://127.0.0.1:1/webhooks');
    try {
      const { status, json } = await controlPay(session.id);
      assert.equal(status, 200);
      assert.equal(json.delivery?.status, 0);
      assert.equal(typeof json.delivery?.error, 'string');
    } finally {
      fake.setWebhookUrl(`${merchant.url}/webhooks/stripe`);
    }
  });

  test('the hosted page shows the amount and its Pay button redirects to success_url', async () => {
    const session = await createSession();
    const page = await fetch(session.url!);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Fake Stripe Checkout/);
    assert.match(html, /21\.48 USD/);
    assert.match(html, new RegExp(`action="/checkout/${session.id}/pay"`));

    const paid = await fetch(`${base}/checkout/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
    assert.equal(paid.status, 303);
    assert.equal(paid.headers.get('location'), `http://merchant.test/paid?session=${session.id}`);
    assert.equal(merchant.calls.length, 1);
  });

  test('control endpoints and pages never leak the secrets', async () => {
    const list = await (await fetch(`${base}/__fake/stripe/events`)).text();
    assert.ok(!list.includes(WEBHOOK_SECRET) && !list.includes(API_KEY));
  });
});
