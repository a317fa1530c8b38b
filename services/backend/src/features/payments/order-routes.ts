import express, { Router } from 'express';
import { z } from 'zod';
import { BadRequestError, NotFoundError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { int8, parse } from '../../infra/validation.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { PackageStore } from '../packages/package-store.js';
import { isOrderNo, newOrderNo } from './order-no.js';
import type { Order, OrderStore } from './order-store.js';
import { PaymentProviderRefusedError, PaymentProviderUnreachableError } from './payment-errors.js';
import { ProviderRefusal, withoutSecrets, type PaymentProvider } from './providers/payment-provider.js';

interface Deps {
  orders: OrderStore;
  packages: PackageStore;
  providers: Map<string, PaymentProvider>;
  expiryMinutes: number;
  logger: Logger;
}

export function orderView(o: Order) {
  return {
    object: 'order',
    order_no: o.order_no,
    status: o.status,
    package_id: o.package_id,
    provider: o.provider,
    amount_cents: o.amount_cents,
    currency: o.currency,
    checkout_url: o.checkout_url,
    created_at: o.created_at,
    expires_at: o.expires_at,
    paid_at: o.paid_at,
    fulfilled_at: o.fulfilled_at,
    refunded_at: o.refunded_at,
  };
}

/** POST /api/v1/orders and GET /api/v1/orders/:order_no (a customer's own orders only). */
export function createOrderRoutes({ orders, packages, providers, expiryMinutes, logger }: Deps): Router {
  const router = Router();
  const json = express.json({ limit: '64kb' });

  router.post('/orders', json, async (req, res) => {
    const { userId } = res.locals.auth as ApiKeyAuth;
    const body = parse(z.object({ package_id: int8().positive(), provider: z.string().min(1).max(32) }), req.body);
    const provider = providers.get(body.provider);
    if (!provider) {
      throw new BadRequestError(
        `Unknown or disabled payment provider "${body.provider}"; available: ${[...providers.keys()].join(', ') || 'none'}.`,
        'provider_unavailable',
      );
    }
    const pkg = await packages.get(body.package_id);
    if (pkg?.status !== 'active') throw new NotFoundError('No such package.', 'package_not_found');
    if (provider.currencies && !provider.currencies.includes(pkg.currency)) {
      throw new BadRequestError(
        `The ${provider.name} payment provider takes ${provider.currencies.join(', ')} only; this package is priced in ${pkg.currency}. Choose another provider.`,
        'currency_not_supported',
      );
    }
    // The amount comes from the package, never from the client.
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
    res.status(201).json(orderView({ ...order, checkout_url: checkout.checkoutUrl }));
  });

  router.get('/orders/:orderNo', async (req, res) => {
    const { userId } = res.locals.auth as ApiKeyAuth;
    const order = isOrderNo(req.params.orderNo) ? await orders.get(req.params.orderNo) : undefined;
    if (!order || order.user_id !== userId) throw new NotFoundError('No such order.', 'order_not_found');
    res.json(orderView(order));
  });

  return router;
}
