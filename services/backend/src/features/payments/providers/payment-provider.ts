import type { Order } from '../order-store.js';

/** What each payment provider does for an order: where the customer goes to pay. */
export interface PaymentProvider {
  readonly name: 'stripe' | 'epay';
  createCheckout(order: Order, packageName: string): Promise<{ checkoutUrl: string; providerRef: string | null }>;
}
