/**
 * Stripe's side of a payment, for the tests (excluded from the build): a paid checkout's
 * webhook, signed with the official client's own test helper, and its delivery.
 */

import Stripe from 'stripe';

// Only its webhooks helper is used; the key is never sent anywhere.
const stripe = new Stripe('sk_test_unused');

/** A checkout.session.completed event for an order, signed as Stripe signs it. */
export function paidCheckoutEvent(
  orderNo: string,
  amount: number,
  opts: { secret: string; id: string; sessionId?: string; timestamp?: number },
): { payload: string; header: string } {
  const payload = JSON.stringify({
    id: opts.id,
    object: 'event',
    type: 'checkout.session.completed',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: opts.sessionId ?? `cs_test_${orderNo}`,
        object: 'checkout.session',
        client_reference_id: orderNo,
        metadata: { order_no: orderNo },
        amount_total: amount,
        currency: 'usd',
        payment_status: 'paid',
        status: 'complete',
      },
    },
  });
  return { payload, header: stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret, timestamp: opts.timestamp }) };
}

/** Posts the event to the gateway's Stripe webhook at `url` (nginx or one backend). */
export function deliverStripe(url: string, event: { payload: string; header: string }): Promise<Response> {
  return fetch(`${url}/api/payments/webhook/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': event.header },
    body: event.payload,
  });
}
