import type { OrderStatusAnswer, OrderView } from '../../contract/console-api.js';
import type { Order } from './order-store.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An order as the customer API answers it (POST/GET /v1/orders), and as staff see it. */
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
    cancelled_at: o.cancelled_at,
  };
}

/** An order in staff's lists, naming its customer by e-mail (null when the account is gone). */
export function adminOrderView(o: Order, email: string | undefined) {
  return { ...orderView(o), user_id: o.user_id, user_email: email ?? null };
}

/** An order as its buyer sees it in the console (and staff in a user's picture). */
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
export function orderStatusView(o: Order & { package_name: string }): OrderStatusAnswer {
  const { order_no, status, package_id, package_name, provider, amount_cents, currency, fulfilled_at } = consoleOrderView(o);
  return { order_no, status, package_id, package_name, provider, amount_cents, currency, fulfilled_at };
}
