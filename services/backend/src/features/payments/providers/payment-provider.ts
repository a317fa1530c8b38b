import type { Order } from '../order-store.js';

/** What each payment provider does for an order: where the customer goes to pay. */
export interface PaymentProvider {
  readonly name: 'stripe' | 'epay';
  /** The currencies it takes payments in (upper case); undefined when it takes any. */
  readonly currencies?: readonly string[];
  createCheckout(order: Order, packageName: string): Promise<{ checkoutUrl: string; providerRef: string | null }>;
}
