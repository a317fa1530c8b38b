import express, { type Router } from 'express';
import Stripe from 'stripe';
import type { Config } from '../../../infra/config.js';
import type { Logger } from '../../../infra/logger.js';
import { createRouter, route } from '../../../infra/routes.js';
import type { FulfilmentOutcome, FulfilmentService } from '../fulfilment-service.js';
import { ProviderRefusal, PROVIDER_SIGNATURE, withoutSecrets, type PaymentProvider } from './payment-provider.js';

type StripeConfig = NonNullable<Config['payments']['stripe']>;

function client(config: StripeConfig): Stripe {
  if (!config.apiBaseUrl) return new Stripe(config.secretKey, { maxNetworkRetries: 2 });
  const url = new URL(config.apiBaseUrl);
  return new Stripe(config.secretKey, {
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 2,
  });
}

// Stripe wants a session's expires_at 30 minutes to 24 hours after it receives the call,
// by its own clock: keep a margin on both sides for the trip and for clocks apart.
const SESSION_MIN_S = 31 * 60;
const SESSION_MAX_S = 24 * 60 * 60 - 5 * 60;

/** When the session closes: with the order if Stripe allows it, else the nearest bound it allows. */
function sessionExpiry(orderExpiresAt: Date, now = Date.now()): number {
  const nowS = Math.floor(now / 1000);
  return Math.min(Math.max(Math.ceil(orderExpiresAt.getTime() / 1000), nowS + SESSION_MIN_S), nowS + SESSION_MAX_S);
}

/** A Stripe API error is Stripe's answer; a connection error (or anything else) is not. */
function asRefusal(err: unknown): ProviderRefusal | undefined {
  if (!(err instanceof Stripe.errors.StripeError) || err instanceof Stripe.errors.StripeConnectionError || !err.statusCode) return undefined;
  return new ProviderRefusal('stripe', withoutSecrets(err.message), { status: err.statusCode, code: err.code, param: err.param, requestId: err.requestId });
}

/**
 * Stripe Checkout: a Checkout Session per order, carrying the order number both ways.
 * `links`: where Stripe sends the buyer back after paying (the console's return page of the
 * order) and after Cancel (the console's page that cancels the order).
 */
export function createStripeProvider(
  config: StripeConfig,
  links: { returnUrl: (orderNo: string) => string; cancelUrl: (orderNo: string) => string },
): PaymentProvider & { stripe: Stripe } {
  const stripe = client(config);
  return {
    name: 'stripe',
    stripe,
    async createCheckout(order, packageName) {
      const session = await stripe.checkout.sessions
        .create(
          {
            mode: 'payment',
            client_reference_id: order.order_no,
            metadata: { order_no: order.order_no },
            line_items: [
              { quantity: 1, price_data: { currency: order.currency.toLowerCase(), unit_amount: order.amount_cents, product_data: { name: packageName } } },
            ],
            success_url: links.returnUrl(order.order_no),
            cancel_url: links.cancelUrl(order.order_no),
            expires_at: sessionExpiry(order.expires_at),
          },
          // A retried create (network hiccup) must not open a second session for the order.
          { idempotencyKey: `checkout-${order.order_no}` },
        )
        .catch((err: unknown) => {
          throw asRefusal(err) ?? err;
        });
      if (!session.url) throw new Error('Stripe returned a session without a URL');
      return { checkoutUrl: session.url, providerRef: session.id };
    },
    async closeCheckout(sessionId) {
      await stripe.checkout.sessions.expire(sessionId).catch((err: unknown) => {
        throw asRefusal(err) ?? err;
      });
    },
  };
}

/**
 * POST /api/payments/webhook/stripe. The signature is checked on the raw body before
 * anything else (timestamp tolerance included); Stripe retries anything but a 2xx, so
 * only a notice handled (or already handled) gets one.
 *
 * checkout.session.completed fulfils a paid session. With a delayed payment method
 * (bank debit…) the session completes unpaid: that is recorded, and the money's fate
 * arrives later as checkout.session.async_payment_succeeded (fulfils) or
 * checkout.session.async_payment_failed (the order fails).
 */
export function createStripeWebhookRoute(deps: { config: StripeConfig; stripe: Stripe; fulfilment: FulfilmentService; logger: Logger }): Router {
  const router = createRouter();
  const spec = {
    access: PROVIDER_SIGNATURE,
    summary: "Stripe's signed webhook (checkout.session.* events)",
    ownBody: true,
    middleware: [express.raw({ type: () => true, limit: '1mb' })],
  };
  route(router, 'post', '/webhook/stripe', spec, async (_in, res, req) => {
    let event: Stripe.Event;
    try {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      event = deps.stripe.webhooks.constructEvent(raw, req.get('stripe-signature') ?? '', deps.config.webhookSecret, deps.config.toleranceSeconds);
    } catch (err) {
      deps.logger.warn({ provider: 'stripe', reason: (err as Error).message }, 'stripe webhook refused: bad signature');
      res.status(400).json({ error: { message: 'Invalid signature.', type: 'invalid_request_error', code: 'invalid_signature' } });
      return;
    }
    if (
      event.type !== 'checkout.session.completed' &&
      event.type !== 'checkout.session.async_payment_succeeded' &&
      event.type !== 'checkout.session.async_payment_failed'
    ) {
      res.json({ received: true, ignored: event.type });
      return;
    }
    const session = event.data.object;
    const orderNo = session.client_reference_id ?? session.metadata?.order_no;
    if (!orderNo || session.amount_total === null) {
      res.json({ received: true, ignored: 'no order' });
      return;
    }
    const notice = {
      provider: 'stripe',
      eventId: event.id,
      eventType: event.type,
      orderNo,
      amountCents: session.amount_total,
      currency: session.currency ?? undefined,
      payload: { session: session.id, amount_total: session.amount_total, currency: session.currency, payment_status: session.payment_status },
    };
    let outcome: FulfilmentOutcome | 'awaiting_payment';
    if (event.type === 'checkout.session.async_payment_failed') outcome = await deps.fulfilment.failPayment(notice);
    else if (session.payment_status === 'paid') outcome = await deps.fulfilment.fulfil(notice);
    else if (event.type === 'checkout.session.completed' && session.payment_status === 'unpaid') outcome = await deps.fulfilment.awaitPayment(notice);
    else {
      res.json({ received: true, ignored: 'not paid' });
      return;
    }
    if (outcome === 'amount_mismatch' || outcome === 'unknown_order') {
      res.status(400).json({ error: { message: `Payment not accepted: ${outcome}.`, type: 'invalid_request_error', code: outcome } });
      return;
    }
    res.json({ received: true, outcome });
  });
  return router;
}
