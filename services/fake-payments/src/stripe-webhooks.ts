/**
 * Builds Stripe events and delivers them the way Stripe does: a JSON POST
 * whose `Stripe-Signature` header the merchant checks with
 * `stripe.webhooks.constructEvent(rawBody, header, whsec)`. The header is
 * produced by the official client's own test helper, so the fake and the
 * merchant cannot disagree on the signing scheme.
 */

import Stripe from 'stripe';
import { type Delivery, deliver, newId, unixSeconds } from './http-util.js';
import type { CheckoutSession } from './stripe-checkout.js';
import { StripeApiError } from './stripe-checkout.js';

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: CheckoutSession };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** `delivery` is null when no webhook URL is configured: the event exists but nobody was told. */
export interface WebhookResult {
  event: StripeEvent;
  delivery: Delivery | null;
}

interface StoredEvent {
  event: StripeEvent;
  /** The exact bytes first sent; redelivery re-sends them so only the signature's timestamp changes. */
  payload: string;
}

export interface WebhookSender {
  setUrl(url: string | undefined): void;
  send(type: string, object: CheckoutSession): Promise<WebhookResult>;
  redeliver(eventId: string): Promise<WebhookResult>;
  /** Newest first, like Stripe's event list. */
  list(): StripeEvent[];
}

export function createWebhookSender(options: { webhookSecret: string; webhookUrl?: string; apiVersion: string }): WebhookSender {
  let url = options.webhookUrl || undefined;
  const events = new Map<string, StoredEvent>();
  // Only its webhooks helper is used; the key is never sent anywhere.
  const signer = new Stripe('sk_test_fake');

  async function post(stored: StoredEvent): Promise<Delivery | null> {
    if (url === undefined) return null;
    const header = signer.webhooks.generateTestHeaderString({ payload: stored.payload, secret: options.webhookSecret });
    return deliver(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'stripe-signature': header,
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        accept: '*/*; q=0.5, application/xml',
      },
      body: stored.payload,
    });
  }

  return {
    setUrl(next) {
      url = next || undefined;
    },
    async send(type, object) {
      const event: StripeEvent = {
        id: newId('evt_', 24),
        object: 'event',
        api_version: options.apiVersion,
        created: unixSeconds(),
        // A snapshot: later changes to the session must not rewrite what was already sent.
        data: { object: structuredClone(object) },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
      };
      const stored = { event, payload: JSON.stringify(event, null, 2) };
      events.set(event.id, stored);
      return { event, delivery: await post(stored) };
    },
    async redeliver(eventId) {
      const stored = events.get(eventId);
      if (!stored) throw new StripeApiError(404, `No such event: '${eventId}'`, 'id', 'resource_missing');
      return { event: stored.event, delivery: await post(stored) };
    },
    list() {
      return [...events.values()].map((s) => s.event).reverse();
    },
  };
}
