import type { Router } from 'express';
import { z } from 'zod';
import { cancelOrderRequest, placeOrderRequest, type OrderList } from '../../contract/console-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { text } from '../../infra/validation.js';
import { ANYONE, requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import { isOrderNo } from './order-no.js';
import type { OrderReturn } from './order-return.js';
import type { OrderService } from './order-service.js';
import { consoleOrderView, orderStatusView } from './payment-views.js';

const orderParams = z.object({ orderNo: text().max(64) });
const notFound = () => new NotFoundError('No such order.', 'order_not_found');
interface Deps {
  service: OrderService;
  orderReturn: OrderReturn;
}

/**
 * GET /api/console/order-status/:order_no?sig=…: the return page's view of an order, for
 * whoever holds the signed link the provider sent them back with (no session needed);
 * POST …/cancel {sig}: the same holder gives up on paying it (Stripe's Cancel leads there).
 */
export function createOrderStatusRoute({ service, orderReturn }: Deps): Router {
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
    if (!orderReturn.verify(orderNo, sig)) throw notFound();
    const order = await service.find(orderNo);
    if (!order) throw notFound();
    res.set('cache-control', 'no-store');
    res.json(orderStatusView(await service.withPackageName(order)));
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
    res.json(orderStatusView(await service.withPackageName(order)));
  });
  return router;
}

/** /api/console/orders: a person's own orders, and placing one. */
export function createConsoleOrderRoutes({ service }: Omit<Deps, 'orderReturn'>): Router {
  const router = createRouter();

  route(router, 'get', '/orders', { access: SIGNED_IN, summary: 'My orders' }, async (_in, res) => {
    const { account } = requireCaller(res);
    res.json({ data: (await service.listForUser(account.id)).map(consoleOrderView) } satisfies OrderList);
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
    const order = await service.findOwn(account.id, params.orderNo);
    if (!order) throw notFound();
    res.json(consoleOrderView(await service.withPackageName(order)));
  });

  return router;
}
