import type { Access } from '../../../infra/routes.js';
import type { Order } from '../order-store.js';

/** A provider's callback: anyone may send it; the route acts only on a valid signature of the provider. */
export const PROVIDER_SIGNATURE: Access = {
  name: 'provider_signature',
  description: 'The payment provider, proven by its signature over the request (checked by the route, before anything else).',
  security: [],
  check: () => undefined,
};

/** What each payment provider does for an order: where the customer goes to pay. */
export interface PaymentProvider {
  readonly name: 'stripe' | 'epay';
  /** The currencies it takes payments in (upper case); undefined when it takes any. */
  readonly currencies?: readonly string[];
  /** Throws a ProviderRefusal when the provider answered no; any other error means it was not reached. */
  createCheckout(order: Order, packageName: string): Promise<{ checkoutUrl: string; providerRef: string | null }>;
  /**
   * Closes the checkout of an order the buyer cancelled, where the provider can (Stripe
   * expires the session), so that it can no longer be paid. Throws when the provider
   * refused (the session was paid meanwhile) or was not reached.
   */
  closeCheckout?(providerRef: string): Promise<void>;
}

/**
 * The provider answered and refused the request (as opposed to not being reached).
 * `reason` is the provider's own message, for the log, with anything key-like removed.
 */
export class ProviderRefusal extends Error {
  constructor(
    readonly provider: string,
    readonly reason: string,
    readonly details: { status?: number; code?: string; param?: string; requestId?: string },
  ) {
    super(`${provider} refused the request: ${reason}`);
    this.name = 'ProviderRefusal';
  }

  /** A rate limit or the provider's own failure may pass; a request it found wrong will not. */
  get retryable(): boolean {
    const status = this.details.status ?? 0;
    return status === 429 || status >= 500;
  }
}

/** Blanks key-like tokens (sk_live_…, rk_…, whsec_…) a provider message might quote. */
export function withoutSecrets(text: string): string {
  return text.replace(/\b(sk|rk|pk|whsec)_[A-Za-z0-9_*]+/g, '[redacted]');
}
