import type { Router } from 'express';
import { z } from 'zod';
import { cancelOrderRequest, placeOrderRequest, type OrderList, type OrderStatusAnswer, type OrderView } from '../../contract/console-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { text } from '../../infra/validation.js';
import { ANYONE, requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { PackageStore } from '../packages/package-store.js';
import { isOrderNo } from './order-no.js';
import type { OrderReturn } from './order-return.js';
import type { OrderService } from './order-service.js';
import type { Order, OrderStore } from './order-store.js';

const orderParams = z.object({ orderNo: text().max(64) });
const notFound = () => new NotFoundError('No such order.', 'order_not_found');
const iso = (d: Date | null) => d?.toISOString() ?? null;

export function consoleOrderView(o: Order & { package_name: string }): OrderView {
  return {
    order_no: o.order_no,
    status: o.status,
    package_id: o.package_id,
    package_name: o.package_name,
    provider: o.provider,
    amount_cents: o.amount_cents,
    currency: o.currency,
    checkout_url: o.status === 'pending' ? o.checkout_url : null,
    created_at: o.created_at.toISOString(),
    expires_at: o.expires_at.toISOString(),
    paid_at: iso(o.paid_at),
    fulfilled_at: iso(o.fulfilled_at),
    refunded_at: iso(o.refunded_at),
    cancelled_at: iso(o.cancelled_at),
  };
}

/** What the holder of the signed return link sees of an order. */
function orderStatusView(order: Order, packageName: string): OrderStatusAnswer {
  return {
    order_no: order.order_no,
    status: order.status,
    package_id: order.package_id,
    package_name: packageName,
    provider: order.provider,
    amount_cents: order.amount_cents,
    currency: order.currency,
    fulfilled_at: iso(order.fulfilled_at),
  };
}

interface Deps {
  orders: Pick<OrderStore, 'get' | 'listForUser'>;
  packages: Pick<PackageStore, 'get'>;
  service: OrderService;
  orderReturn: OrderReturn;
}

/**
 * GET /api/console/order-status/:order_no?sig=…: the return page's view of an order, for
 * whoever holds the signed link the provider sent them back with (no session needed);
 * POST …/cancel {sig}: the same holder gives up on paying it (Stripe's Cancel leads there).
 */
export function createOrderStatusRoute({ orders, packages, service, orderReturn }: Deps): Router {
  const router = createRouter();
  const spec = {
    access: ANYONE,
    summary: "An order's state, for the holder of the signed return link",
    params: orderParams,
    query: z.object({ sig: text().max(200).optional() }),
  };
  route(router, 'get', '/order-status/:orderNo', spec, async ({ params, query }, res) => {
    const { orderNo } = params;
    const { sig } = query;
    if (!isOrderNo(orderNo) || !orderReturn.verify(orderNo, sig)) throw notFound();
    const order = await orders.get(orderNo);
    if (!order) throw notFound();
    res.set('cache-control', 'no-store');
    res.json(orderStatusView(order, (await packages.get(order.package_id))?.name ?? ''));
  });

  const cancelSpec = {
    access: ANYONE,
    summary: 'Cancel a pending order, for the holder of its signed link (an order in another state is answered as it is)',
    params: orderParams,
    body: cancelOrderRequest,
  };
  route(router, 'post', '/order-status/:orderNo/cancel', cancelSpec, async ({ params, body }, res) => {
    const { orderNo } = params;
    if (!isOrderNo(orderNo) || !orderReturn.verify(orderNo, body.sig)) throw notFound();
    const order = await service.cancel(orderNo);
    if (!order) throw notFound();
    res.set('cache-control', 'no-store');
    res.json(orderStatusView(order, (await packages.get(order.package_id))?.name ?? ''));
  });
  return router;
}

/** /api/console/orders: a person's own orders, and placing one. */
export function createConsoleOrderRoutes({ orders, packages, service }: Omit<Deps, 'orderReturn'>): Router {
  const router = createRouter();

  route(router, 'get', '/orders', { access: SIGNED_IN, summary: 'My orders' }, async (_in, res) => {
    const { account } = requireCaller(res);
    res.json({ data: (await orders.listForUser(account.id)).map(consoleOrderView) } satisfies OrderList);
  });

  route(
    router,
    'post',
    '/orders',
    { access: SIGNED_IN, summary: 'Place an order (answers the checkout URL)', body: placeOrderRequest, status: 201 },
    async ({ body }, res) => {
      const { account } = requireCaller(res);
      res.status(201).json(consoleOrderView(await service.place(account.id, body.package_id, body.provider)));
    },
  );

  route(router, 'get', '/orders/:orderNo', { access: SIGNED_IN, summary: 'One of my orders', params: orderParams }, async ({ params }, res) => {
    const { account } = requireCaller(res);
    const order = isOrderNo(params.orderNo) ? await orders.get(params.orderNo) : undefined;
    if (!order || order.user_id !== account.id) throw notFound();
    const pkg = await packages.get(order.package_id);
    res.json(consoleOrderView({ ...order, package_name: pkg?.name ?? '' }));
  });

  return router;
}
