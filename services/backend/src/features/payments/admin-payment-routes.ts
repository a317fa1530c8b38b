import type { Router } from 'express';
import { z } from 'zod';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { text } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { FulfilmentService } from './fulfilment-service.js';
import type { OrderService } from './order-service.js';
import { adminOrderView, orderView } from './payment-views.js';
import { isOrderNo } from './order-no.js';
import type { OrderStore } from './order-store.js';
import { orderListQuery, paymentEventsQuery } from './payment-schemas.js';
import type { PaymentEventStore } from './payment-event-store.js';

interface Deps {
  orders: Pick<OrderStore, 'list'>;
  service: Pick<OrderService, 'find'>;
  events: PaymentEventStore;
  fulfilment: FulfilmentService;
  /** Orders name their customer by e-mail, not by id alone: the addresses of these users, by id. */
  emailsOf: (userIds: readonly number[]) => Promise<Map<number, string>>;
}

/** Admin views of payments: orders (filtered, newest first), refunds, provider events. */
export function createAdminPaymentRoutes({ orders, service, events, fulfilment, emailsOf }: Deps): Router {
  const router = createRouter();
  const read = requires('orders.read');
  const orderParams = z.object({ orderNo: text().max(64) });

  route(router, 'get', '/orders', { access: read, summary: 'Orders, newest first', query: orderListQuery }, async ({ query: q }, res) => {
    const rows = await orders.list({ status: q.status, userId: q.user_id, provider: q.provider, before: q.before, limit: q.limit });
    const emails = await emailsOf(rows.map((o) => o.user_id));
    res.json({ data: rows.map((o) => adminOrderView(o, emails.get(o.user_id))) });
  });

  route(router, 'get', '/orders/:orderNo', { access: read, summary: 'An order and its provider events', params: orderParams }, async ({ params }, res) => {
    const order = await service.find(params.orderNo);
    if (!order) throw new NotFoundError('No such order.', 'order_not_found');
    // The timeline: what the provider told us, in the order it arrived.
    const timeline = (await events.list({ orderNo: order.order_no, limit: 500 })).reverse();
    const emails = await emailsOf([order.user_id]);
    res.json({ ...adminOrderView(order, emails.get(order.user_id)), events: timeline });
  });

  route(
    router,
    'post',
    '/orders/:orderNo/refund',
    { access: requires('orders.refund'), summary: 'Refund a fulfilled order', params: orderParams },
    async ({ params }, res) => {
      const outcome = isOrderNo(params.orderNo) ? await fulfilment.refund(params.orderNo, actorOf(res)) : 'not_found';
      if (outcome === 'not_found') throw new NotFoundError('No such order.', 'order_not_found');
      if (outcome === 'not_fulfilled') throw new HttpError(409, 'Only a fulfilled order can be refunded.', 'invalid_request_error', 'order_not_fulfilled');
      res.json(orderView((await service.find(params.orderNo))!));
    },
  );

  route(
    router,
    'get',
    '/payment-events',
    { access: read, summary: "Payment providers' events, newest first", query: paymentEventsQuery },
    async ({ query: q }, res) => {
      res.json({ data: await events.list({ orderNo: q.order_no, provider: q.provider, limit: q.limit }) });
    },
  );

  return router;
}
