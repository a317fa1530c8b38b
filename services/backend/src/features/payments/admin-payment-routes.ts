import { Router } from 'express';
import { z } from 'zod';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { parse, queryInt, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import type { FulfilmentService } from './fulfilment-service.js';
import { orderView } from './order-routes.js';
import { isOrderNo } from './order-no.js';
import { ORDER_STATUSES, type OrderStore } from './order-store.js';
import type { PaymentEventStore } from './payment-event-store.js';

const listSchema = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  user_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  provider: text().max(32).optional(),
  before: z
    .string()
    .regex(/^[A-Z0-9]{1,40}$/, 'expected an order number')
    .optional(),
  limit: queryInt(1, 500).default(100),
});

const eventsSchema = z.object({
  order_no: text().max(40).optional(),
  provider: text().max(32).optional(),
  limit: queryInt(1, 500).default(100),
});

/** Admin views of payments: orders (filtered, newest first), refunds, provider events. */
export function createAdminPaymentRoutes({
  orders,
  events,
  fulfilment,
}: {
  orders: OrderStore;
  events: PaymentEventStore;
  fulfilment: FulfilmentService;
}): Router {
  const router = Router();

  router.get('/orders', async (req, res) => {
    const q = parse(listSchema, req.query);
    const rows = await orders.list({ status: q.status, userId: q.user_id, provider: q.provider, before: q.before, limit: q.limit });
    res.json({ data: rows.map((o) => ({ ...orderView(o), user_id: o.user_id })) });
  });

  router.get('/orders/:orderNo', async (req, res) => {
    const order = isOrderNo(req.params.orderNo) ? await orders.get(req.params.orderNo) : undefined;
    if (!order) throw new NotFoundError('No such order.', 'order_not_found');
    // The timeline: what the provider told us, in the order it arrived.
    const timeline = (await events.list({ orderNo: order.order_no, limit: 500 })).reverse();
    res.json({ ...orderView(order), user_id: order.user_id, events: timeline });
  });

  router.post('/orders/:orderNo/refund', async (req, res) => {
    const outcome = isOrderNo(req.params.orderNo) ? await fulfilment.refund(req.params.orderNo, actorOf(res)) : 'not_found';
    if (outcome === 'not_found') throw new NotFoundError('No such order.', 'order_not_found');
    if (outcome === 'not_fulfilled') throw new HttpError(409, 'Only a fulfilled order can be refunded.', 'invalid_request_error', 'order_not_fulfilled');
    const order = await orders.get(req.params.orderNo);
    res.json(orderView(order!));
  });

  router.get('/payment-events', async (req, res) => {
    const q = parse(eventsSchema, req.query);
    res.json({ data: await events.list({ orderNo: q.order_no, provider: q.provider, limit: q.limit }) });
  });

  return router;
}
