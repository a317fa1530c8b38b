import express, { type Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { int8, text } from '../../infra/validation.js';
import { keyCaller } from '../keys/api-key-auth.js';
import type { OrderService } from './order-service.js';
import { orderView } from './payment-views.js';

interface Deps {
  service: OrderService;
  access: Access;
}

const orderRequest = z.object({ package_id: int8().positive(), provider: z.string().min(1).max(32) });

/** POST /api/v1/orders and GET /api/v1/orders/:order_no (a customer's own orders only). */
export function createOrderRoutes({ service, access }: Deps): Router {
  const router = createRouter();
  const middleware = [express.json({ limit: '64kb' })];

  route(
    router,
    'post',
    '/orders',
    { access, summary: 'Place an order (answers the checkout URL)', body: orderRequest, middleware, status: 201 },
    async ({ body }, res) => {
      const { userId } = keyCaller(res);
      res.status(201).json(orderView(await service.place(userId, body.package_id, body.provider)));
    },
  );

  route(router, 'get', '/orders/:orderNo', { access, summary: 'One of my orders', params: z.object({ orderNo: text().max(64) }) }, async ({ params }, res) => {
    const { userId } = keyCaller(res);
    const order = await service.findOwn(userId, params.orderNo);
    if (!order) throw new NotFoundError('No such order.', 'order_not_found');
    res.json(orderView(order));
  });

  return router;
}
