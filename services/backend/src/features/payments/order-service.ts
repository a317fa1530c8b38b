import { BadRequestError, NotFoundError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { PackageService } from '../packages/package-service.js';
import { isOrderNo, newOrderNo } from './order-no.js';
import type { Order, OrderStore } from './order-store.js';
import { PaymentProviderRefusedError, PaymentProviderUnreachableError } from './payment-errors.js';
import { ProviderRefusal, withoutSecrets, type PaymentProvider } from './providers/payment-provider.js';

interface Deps {
  orders: Pick<OrderStore, 'create' | 'setCheckout' | 'cancel' | 'get' | 'listForUser'>;
  packages: Pick<PackageService, 'get' | 'getOnSale'>;
  providers: Map<string, PaymentProvider>;
  expiryMinutes: number;
  logger: Logger;
}

/**
 * Placing an order: the package's price (never the client's), a pending order, then the
 * provider's checkout. The customer API (/v1/orders) and the console both place orders here.
 * Cancelling one: the buyer left the provider's page without paying.
 */
export function createOrderService({ orders, packages, providers, expiryMinutes, logger }: Deps) {
  /** The order of this number (expired first if due); undefined for an unknown or malformed number. */
  const find = async (orderNo: string): Promise<Order | undefined> => (isOrderNo(orderNo) ? orders.get(orderNo) : undefined);

  return {
    async place(userId: number, packageId: number, providerName: string): Promise<Order & { package_name: string }> {
      const provider = providers.get(providerName);
      if (!provider) {
        throw new BadRequestError(
          `Unknown or disabled payment provider "${providerName}"; available: ${[...providers.keys()].join(', ') || 'none'}.`,
          'provider_unavailable',
        );
      }
      // Only what is on sale for money (as the console lists it): a free package is granted, or redeemed with a code.
      const pkg = await packages.getOnSale(packageId);
      if (!pkg) throw new NotFoundError('No such package for sale.', 'package_not_found');
      if (provider.currencies && !provider.currencies.includes(pkg.currency)) {
        throw new BadRequestError(
          `The ${provider.name} payment provider takes ${provider.currencies.join(', ')} only; this package is priced in ${pkg.currency}. Choose another provider.`,
          'currency_not_supported',
        );
      }
      const order = await orders.create({
        orderNo: newOrderNo(),
        userId,
        packageId: pkg.id,
        provider: provider.name,
        amountCents: pkg.price_cents,
        currency: pkg.currency,
        expiryMinutes,
      });
      let checkout: Awaited<ReturnType<PaymentProvider['createCheckout']>>;
      try {
        checkout = await provider.createCheckout(order, pkg.name);
      } catch (err) {
        if (err instanceof ProviderRefusal) {
          logger.error({ provider: provider.name, orderNo: order.order_no, reason: err.reason, ...err.details }, 'payment provider refused the checkout');
          throw new PaymentProviderRefusedError(provider.name, err.retryable);
        }
        logger.error({ provider: provider.name, orderNo: order.order_no, err: withoutSecrets((err as Error).message) }, 'payment provider unreachable');
        throw new PaymentProviderUnreachableError(provider.name);
      }
      await orders.setCheckout(order.order_no, checkout.checkoutUrl, checkout.providerRef);
      return { ...order, checkout_url: checkout.checkoutUrl, package_name: pkg.name };
    },

    find,

    /** The customer's own order: another customer's is as unknown as a number never issued. */
    async findOwn(userId: number, orderNo: string): Promise<Order | undefined> {
      const order = await find(orderNo);
      return order?.user_id === userId ? order : undefined;
    },

    /** The order with the name of the package it buys ('' should the package be gone). */
    async withPackageName(order: Order): Promise<Order & { package_name: string }> {
      return { ...order, package_name: (await packages.get(order.package_id))?.name ?? '' };
    },

    /** A customer's orders with their packages' names, newest first. */
    listForUser: (userId: number, limit?: number) => orders.listForUser(userId, limit),

    /**
     * The buyer cancelled: a pending order becomes cancelled and its checkout is closed
     * where the provider allows (a second tab cannot pay it afterwards). An order in any
     * other state is answered as it is. Should the money still arrive (paid in the moment
     * before), the payment notice fulfils the cancelled order, once, like an expired one.
     */
    async cancel(orderNo: string): Promise<Order | undefined> {
      const result = await orders.cancel(orderNo);
      if (!result) return undefined;
      const provider = providers.get(result.order.provider);
      if (result.cancelled && result.providerRef && provider?.closeCheckout) {
        await provider.closeCheckout(result.providerRef).catch((err: unknown) => {
          // Paid a moment ago (its notice will fulfil the order) or not reached: nothing the buyer can act on.
          const reason = err instanceof ProviderRefusal ? err.reason : withoutSecrets((err as Error).message);
          logger.warn({ provider: provider.name, orderNo, reason }, 'payment provider did not close the checkout of a cancelled order');
        });
      }
      return result.order;
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
