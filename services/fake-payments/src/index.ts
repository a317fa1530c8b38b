/**
 * Local stand-ins for the gateway's payment providers, speaking their real
 * protocols so the backend runs unchanged against them:
 *   - Stripe: the v1 Checkout Sessions API for the official `stripe` client,
 *     plus signed checkout.session.completed webhooks;
 *   - EPay (易支付): submit.php with MD5 signatures and the signed notify GET.
 *
 * Each fake is a request handler, so it can run on its own server
 * (createFakeStripe, createFakeEpay) or share one with the other
 * (createFakePayments), as the dev stack does.
 */

import { type EpayHandler, type FakeEpayOptions, createEpayHandler } from './epay-fake.js';
import { type FakeServer, type RequestHandler, serveHandlers } from './server.js';
import { type FakeStripeOptions, type StripeHandler, createStripeHandler } from './stripe-fake.js';

export { createFakeStripe, createStripeHandler } from './stripe-fake.js';
export type { CheckoutSession, DelayedOutcome, FakeStripe, FakeStripeOptions, PayResult, StripeEvent, StripeHandler, WebhookResult } from './stripe-fake.js';
export { createEpayHandler, createFakeEpay } from './epay-fake.js';
export type { EpayHandler, EpayOrder, FakeEpay, FakeEpayOptions, NotifyResult } from './epay-fake.js';
export { epaySigningString, signEpay, verifyEpay } from './epay-sign.js';
export type { EpayParams } from './epay-sign.js';
export { parseStripeForm } from './stripe-form.js';
export type { FormObject, FormValue } from './stripe-form.js';
export type { Delivery } from './http-util.js';
export { serveHandlers } from './server.js';
export type { FakeServer, ListenResult, RequestHandler } from './server.js';

export interface FakePaymentsOptions {
  stripe: FakeStripeOptions;
  epay: FakeEpayOptions;
}

export interface FakePayments extends FakeServer {
  stripe: StripeHandler;
  epay: EpayHandler;
}

/** Both fakes on one server: /v1/*, /checkout/*, /__fake/stripe/* go to Stripe; /submit.php*, /__fake/epay/* to EPay. */
export function createFakePayments(options: FakePaymentsOptions): FakePayments {
  const stripe = createStripeHandler(options.stripe);
  const epay = createEpayHandler(options.epay);
  const handlers: RequestHandler[] = [stripe.handle, epay.handle];
  return { ...serveHandlers(handlers), stripe, epay };
}
