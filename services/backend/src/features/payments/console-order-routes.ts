import { Router } from 'express';
import { placeOrderRequest, type OrderList, type OrderStatusAnswer, type OrderView } from '../../contract/console-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { parse } from '../../infra/validation.js';
import { requireCaller } from '../accounts/session-auth.js';
import type { PackageStore } from '../packages/package-store.js';
import { isOrderNo } from './order-no.js';
import type { OrderReturn } from './order-return.js';
import type { OrderService } from './order-service.js';
import type { Order, OrderStore } from './order-store.js';

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
 * whoever holds the signed link the provider sent them back with (no session needed).
 */
export function createOrderStatusRoute({ orders, packages, orderReturn }: Omit<Deps, 'service'>): Router {
  const router = Router();
  router.get('/order-status/:orderNo', async (req, res) => {
    const { orderNo } = req.params;
    const sig = typeof req.query.sig === 'string' ? req.query.sig : undefined;
    if (!isOrderNo(orderNo) || !orderReturn.verify(orderNo, sig)) throw notFound();
    const order = await orders.get(orderNo);
    if (!order) throw notFound();
    res.set('cache-control', 'no-store');
    res.json({
      order_no: order.order_no,
      status: order.status,
      package_name: (await packages.get(order.package_id))?.name ?? '',
      amount_cents: order.amount_cents,
      currency: order.currency,
      fulfilled_at: iso(order.fulfilled_at),
    } satisfies OrderStatusAnswer);
  });
  return router;
}

/** /api/console/orders: a person's own orders, and placing one. */
export function createConsoleOrderRoutes({ orders, packages, service }: Omit<Deps, 'orderReturn'>): Router {
  const router = Router();

  router.get('/orders', async (_req, res) => {
    const { account } = requireCaller(res);
    res.json({ data: (await orders.listForUser(account.id)).map(consoleOrderView) } satisfies OrderList);
  });

  router.post('/orders', async (req, res) => {
    const { account } = requireCaller(res);
    const body = parse(placeOrderRequest, req.body);
    res.status(201).json(consoleOrderView(await service.place(account.id, body.package_id, body.provider)));
  });

  router.get('/orders/:orderNo', async (req, res) => {
    const { account } = requireCaller(res);
    const order = isOrderNo(req.params.orderNo) ? await orders.get(req.params.orderNo) : undefined;
    if (!order || order.user_id !== account.id) throw notFound();
    const pkg = await packages.get(order.package_id);
    res.json(consoleOrderView({ ...order, package_name: pkg?.name ?? '' }));
  });

  return router;
}
