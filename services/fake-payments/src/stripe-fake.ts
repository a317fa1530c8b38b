/**
 * A local stand-in for the parts of Stripe a Checkout integration touches: the
 * v1 API the official `stripe` client calls (form-encoded bodies, Bearer auth,
 * idempotency keys, Stripe's error shape), a hosted pay page, and signed
 * `checkout.session.completed` webhooks (plus `…async_payment_succeeded` and
 * `…async_payment_failed` for delayed payment methods).
 *
 * Control endpoints under /__fake/stripe/ let tests pay sessions (by card, or
 * by a delayed method settled later) and re-send events without a browser.
 * They live outside /v1 so no client can hit them by accident, and they never
 * echo a secret.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import Stripe from 'stripe';
import {
  BodyError,
  type Delivery,
  newId,
  parseOptionalJsonObject,
  readBody,
  redirect,
  safeEqual,
  sendHtml,
  sendJson,
  sendRawJson,
  splitUrl,
  unixSeconds,
} from './http-util.js';
import { deliveryReportPage, errorPage, stripeCheckoutPage } from './pages.js';
import { type FakeServer, type RequestHandler, serveHandlers } from './server.js';
import { type CheckoutSession, StripeApiError, completeSession, createSession, expireSession, refreshExpiry } from './stripe-checkout.js';
import { FormError, type FormObject, parseStripeForm } from './stripe-form.js';
import { type StripeEvent, type WebhookResult, createWebhookSender } from './stripe-webhooks.js';

export type { CheckoutSession } from './stripe-checkout.js';
export type { StripeEvent, WebhookResult } from './stripe-webhooks.js';

export interface FakeStripeOptions {
  /** The endpoint's signing secret (`whsec_…`) the merchant verifies webhooks with. */
  webhookSecret: string;
  /** Where the checkout.session.* events are POSTed; can be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** When set, /v1 requests must authenticate with exactly this secret key. */
  apiKey?: string;
  /** Base URL buyers' browsers use to reach the fake; defaults to http://<Host header>. */
  publicUrl?: string;
  /** `api_version` stamped on events; defaults to the installed client's pinned version. */
  apiVersion?: string;
}

export interface StripeHandler {
  /** Claims /v1/*, /checkout/* and /__fake/stripe/*; returns false for any other path. */
  handle: RequestHandler;
  setWebhookUrl(url: string | undefined): void;
  /**
   * What the "Pay" button does: completes the session and delivers checkout.session.completed.
   * With `delayed`, the buyer used a delayed payment method: the session completes unpaid,
   * and "succeeded" or "failed" settles it at once (see settle); "pending" leaves it waiting.
   */
  pay(sessionId: string, overrides?: { amountTotal?: number; delayed?: DelayedOutcome }): Promise<PayResult>;
  /** A delayed payment's fate: delivers checkout.session.async_payment_succeeded or …_failed. */
  settle(sessionId: string, outcome: 'succeeded' | 'failed'): Promise<WebhookResult>;
  /** Re-sends a stored event: same id and payload, freshly timestamped signature. */
  redeliver(eventId: string): Promise<WebhookResult>;
  getSession(id: string): CheckoutSession | undefined;
  /** Every event sent so far, newest first. */
  listEvents(): StripeEvent[];
}

export interface FakeStripe extends StripeHandler, FakeServer {}

export type DelayedOutcome = 'pending' | 'succeeded' | 'failed';
const DELAYED_OUTCOMES: readonly string[] = ['pending', 'succeeded', 'failed'];

/** checkout.session.completed, and for a delayed payment settled at once, the event that settled it. */
export interface PayResult extends WebhookResult {
  settlement?: WebhookResult;
}

interface SavedResponse {
  fingerprint: string;
  status: number;
  payload: string;
}

const SESSIONS = /^\/v1\/checkout\/sessions$/;
const SESSION = /^\/v1\/checkout\/sessions\/([^/]+)$/;
const SESSION_EXPIRE = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/;
const PAGE = /^\/checkout\/([^/]+)$/;
const PAGE_PAY = /^\/checkout\/([^/]+)\/pay$/;
const CONTROL_PAY = /^\/__fake\/stripe\/sessions\/([^/]+)\/pay$/;
const CONTROL_SETTLE = /^\/__fake\/stripe\/sessions\/([^/]+)\/settle$/;
const CONTROL_EVENTS = /^\/__fake\/stripe\/events$/;
const CONTROL_REDELIVER = /^\/__fake\/stripe\/events\/([^/]+)\/redeliver$/;

function decodeSegment(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return segment ?? '';
  }
}

function noSuch(id: string): StripeApiError {
  return new StripeApiError(404, `No such checkout.session: '${id}'`, 'session', 'resource_missing');
}

/** Reads the secret key from Bearer auth, or from Basic auth as `curl -u sk_test_…:` sends it. */
function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (basic?.[1]) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] || undefined;
  return undefined;
}

export function createStripeHandler(options: FakeStripeOptions): StripeHandler {
  if (!options.webhookSecret) throw new TypeError('createFakeStripe: webhookSecret is required');
  const apiKey = options.apiKey || undefined;
  const apiVersion = options.apiVersion ?? Stripe.API_VERSION;
  const sessions = new Map<string, CheckoutSession>();
  const idempotent = new Map<string, SavedResponse>();
  /** Sessions completed with a delayed payment method whose money has not arrived (or failed) yet. */
  const awaiting = new Set<string>();
  const webhooks = createWebhookSender({ webhookSecret: options.webhookSecret, webhookUrl: options.webhookUrl, apiVersion });

  function baseUrl(req: IncomingMessage): string {
    return (options.publicUrl ?? `http://${req.headers.host ?? '127.0.0.1'}`).replace(/\/+$/, '');
  }

  function findSession(id: string): CheckoutSession {
    const session = sessions.get(id);
    if (!session) throw noSuch(id);
    refreshExpiry(session, unixSeconds());
    return session;
  }

  function checkAuth(req: IncomingMessage): void {
    const key = presentedKey(req);
    if (key === undefined) {
      throw new StripeApiError(
        401,
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      );
    }
    // Real Stripe echoes a redacted key here; the fake names none at all.
    if (apiKey !== undefined && !safeEqual(key, apiKey)) throw new StripeApiError(401, 'Invalid API Key provided.');
  }

  function createFromBody(req: IncomingMessage, raw: string): CheckoutSession {
    if (/json/i.test(req.headers['content-type'] ?? '')) {
      throw new StripeApiError(400, 'Invalid request (check that your POST content type is application/x-www-form-urlencoded).');
    }
    let params: FormObject;
    try {
      params = parseStripeForm(raw);
    } catch (err) {
      if (err instanceof FormError) throw new StripeApiError(400, err.message, err.param);
      throw err;
    }
    const session = createSession(params, baseUrl(req), unixSeconds());
    sessions.set(session.id, session);
    return session;
  }

  /** The /v1 API: Stripe's headers on every answer, idempotent replays for keyed POSTs. */
  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const headers: Record<string, string> = {
      'request-id': newId('req_', 14),
      'stripe-version': String(req.headers['stripe-version'] ?? apiVersion),
    };
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    if (typeof key === 'string' && key !== '') headers['idempotency-key'] = key;
    try {
      const raw = method === 'POST' ? await readBody(req) : '';
      checkAuth(req);
      const fingerprint = `${method} ${path}\n${raw}`;
      if (typeof key === 'string' && key !== '') {
        const saved = idempotent.get(key);
        if (saved && saved.fingerprint !== fingerprint) {
          throw new StripeApiError(
            400,
            `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            null,
            null,
            'idempotency_error',
          );
        }
        if (saved) return sendRawJson(res, saved.status, saved.payload, { ...headers, 'idempotent-replayed': 'true' });
      }
      let match: RegExpExecArray | null;
      let result: CheckoutSession;
      if (SESSIONS.test(path) && method === 'POST') result = createFromBody(req, raw);
      else if ((match = SESSION.exec(path)) && method === 'GET') result = findSession(decodeSegment(match[1]));
      else if ((match = SESSION_EXPIRE.exec(path)) && method === 'POST') {
        result = findSession(decodeSegment(match[1]));
        if (result.status !== 'open') {
          throw new StripeApiError(400, `Only Checkout Sessions with a status in ["open"] can be expired.`, 'session');
        }
        expireSession(result);
      } else {
        throw new StripeApiError(
          404,
          `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        );
      }
      const payload = JSON.stringify(result, null, 2);
      // Like Stripe, only requests that got as far as executing are remembered; a 400 can be retried with the same key.
      if (typeof key === 'string' && key !== '') idempotent.set(key, { fingerprint, status: 200, payload });
      sendRawJson(res, 200, payload, headers);
    } catch (err) {
      const apiErr = toStripeError(err);
      sendJson(res, apiErr.status, apiErr.body(), headers);
    }
  }

  async function pay(sessionId: string, overrides: { amountTotal?: number; delayed?: DelayedOutcome } = {}): Promise<PayResult> {
    const session = findSession(sessionId);
    if (session.status !== 'open') {
      throw new StripeApiError(400, `This Checkout Session is ${session.status} and can no longer be paid.`, 'session', 'checkout_session_not_open');
    }
    completeSession(session, overrides.amountTotal, overrides.delayed !== undefined);
    if (session.payment_status === 'unpaid') awaiting.add(session.id);
    const completed = await webhooks.send('checkout.session.completed', session);
    if (overrides.delayed === undefined || overrides.delayed === 'pending' || !awaiting.has(session.id)) return completed;
    return { ...completed, settlement: await settle(session.id, overrides.delayed) };
  }

  async function settle(sessionId: string, outcome: 'succeeded' | 'failed'): Promise<WebhookResult> {
    const session = findSession(sessionId);
    if (!awaiting.delete(session.id)) {
      throw new StripeApiError(400, 'This Checkout Session has no delayed payment awaiting settlement.', 'session');
    }
    if (outcome === 'succeeded') session.payment_status = 'paid';
    return webhooks.send(`checkout.session.async_payment_${outcome}`, session);
  }

  async function control(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    try {
      let match: RegExpExecArray | null;
      if ((match = CONTROL_PAY.exec(path)) && method === 'POST') {
        const body = parseOptionalJsonObject(await readBody(req));
        const amount = body.amount_total;
        if (amount !== undefined && !(typeof amount === 'number' && Number.isInteger(amount) && amount >= 0)) {
          throw new StripeApiError(400, 'amount_total must be a non-negative integer (minor units).', 'amount_total');
        }
        const delayed = body.delayed;
        if (delayed !== undefined && !(typeof delayed === 'string' && DELAYED_OUTCOMES.includes(delayed))) {
          throw new StripeApiError(400, `delayed must be one of ${DELAYED_OUTCOMES.join(', ')}.`, 'delayed');
        }
        return sendJson(res, 200, await pay(decodeSegment(match[1]), { amountTotal: amount, delayed: delayed as DelayedOutcome | undefined }));
      }
      if ((match = CONTROL_SETTLE.exec(path)) && method === 'POST') {
        const { outcome } = parseOptionalJsonObject(await readBody(req));
        if (outcome !== 'succeeded' && outcome !== 'failed') {
          throw new StripeApiError(400, 'outcome must be succeeded or failed.', 'outcome');
        }
        return sendJson(res, 200, await settle(decodeSegment(match[1]), outcome));
      }
      if (CONTROL_EVENTS.test(path) && method === 'GET') {
        return sendJson(res, 200, { object: 'list', data: webhooks.list(), has_more: false, url: '/__fake/stripe/events' });
      }
      if ((match = CONTROL_REDELIVER.exec(path)) && method === 'POST') {
        return sendJson(res, 200, await webhooks.redeliver(decodeSegment(match[1])));
      }
      throw new StripeApiError(404, `Unknown control endpoint: ${method} ${path}`);
    } catch (err) {
      const apiErr = toStripeError(err);
      sendJson(res, apiErr.status, apiErr.body());
    }
  }

  /** The hosted page a human reaches through session.url. */
  async function page(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    try {
      let match: RegExpExecArray | null;
      if ((match = PAGE.exec(path)) && method === 'GET') {
        return sendHtml(res, 200, stripeCheckoutPage(findSession(decodeSegment(match[1]))));
      }
      if ((match = PAGE_PAY.exec(path)) && method === 'POST') {
        await readBody(req);
        const { event, delivery } = await pay(decodeSegment(match[1]));
        const session = event.data.object;
        const next = session.success_url?.replaceAll('{CHECKOUT_SESSION_ID}', session.id) ?? null;
        if (delivery && delivery.status >= 200 && delivery.status < 300 && next) return redirect(res, next);
        return sendHtml(res, 200, deliveryReportPage('Payment recorded', describeDelivery(delivery), next));
      }
      sendHtml(res, 404, errorPage('Not found', `${method} ${path}`));
    } catch (err) {
      const apiErr = toStripeError(err);
      sendHtml(res, apiErr.status, errorPage('Fake Stripe Checkout', apiErr.message));
    }
  }

  const handle: RequestHandler = (req, res) => {
    const { path } = splitUrl(req.url);
    let work: Promise<void>;
    if (path === '/v1' || path.startsWith('/v1/')) work = api(req, res, path);
    else if (path.startsWith('/checkout/')) work = page(req, res, path);
    else if (path.startsWith('/__fake/stripe/')) work = control(req, res, path);
    else return false;
    // Each branch renders its own errors; this only catches a failure while rendering one.
    work.catch(() => res.destroy());
    return true;
  };

  return {
    handle,
    setWebhookUrl: (url) => webhooks.setUrl(url),
    pay,
    settle,
    redeliver: (eventId) => webhooks.redeliver(eventId),
    getSession: (id) => sessions.get(id),
    listEvents: () => webhooks.list(),
  };
}

function toStripeError(err: unknown): StripeApiError {
  if (err instanceof StripeApiError) return err;
  if (err instanceof BodyError) return new StripeApiError(err.status, err.message);
  return new StripeApiError(500, `Fake Stripe internal error: ${err instanceof Error ? err.message : String(err)}`, null, null, 'api_error');
}

function describeDelivery(delivery: Delivery | null): string {
  if (delivery === null) return 'No webhook URL is configured, so no checkout.session.completed was sent.';
  if (delivery.error !== undefined) return `The webhook could not be delivered: ${delivery.error}.`;
  return `The merchant answered the webhook with HTTP ${delivery.status}.`;
}

export function createFakeStripe(options: FakeStripeOptions): FakeStripe {
  const handler = createStripeHandler(options);
  return { ...handler, ...serveHandlers([handler.handle]) };
}
