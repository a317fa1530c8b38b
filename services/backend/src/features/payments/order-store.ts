import type { PoolClient, Pools, Queryable } from '../../infra/db.js';

/**
 * pending → paid → fulfilled (→ refunded); a pending order may instead expire, fail (a
 * delayed payment method that did not pay) or be cancelled by the buyer. A payment that
 * still arrives for an expired, failed or cancelled order is honoured.
 */
export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'expired', 'refunded', 'failed', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Order {
  id: number;
  order_no: string;
  user_id: number;
  package_id: number;
  provider: string;
  amount_cents: number;
  currency: string;
  status: OrderStatus;
  checkout_url: string | null;
  created_at: Date;
  expires_at: Date;
  paid_at: Date | null;
  fulfilled_at: Date | null;
  refunded_at: Date | null;
  cancelled_at: Date | null;
}

const COLUMNS =
  'id, order_no, user_id, package_id, provider, amount_cents, currency, status, checkout_url, created_at, expires_at, paid_at, fulfilled_at, refunded_at, cancelled_at';

export function createOrderStore({ pools }: { pools: Pools }) {
  return {
    async create(o: {
      orderNo: string;
      userId: number;
      packageId: number;
      provider: string;
      amountCents: number;
      currency: string;
      expiryMinutes: number;
    }): Promise<Order> {
      const { rows } = await pools.primary.query<Order>(
        `INSERT INTO payment_orders (order_no, user_id, package_id, provider, amount_cents, currency, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(mins => $7))
         RETURNING ${COLUMNS}`,
        [o.orderNo, o.userId, o.packageId, o.provider, o.amountCents, o.currency, o.expiryMinutes],
      );
      return rows[0]!;
    },

    async setCheckout(orderNo: string, checkoutUrl: string, providerRef: string | null): Promise<void> {
      await pools.primary.query('UPDATE payment_orders SET checkout_url = $2, provider_ref = $3 WHERE order_no = $1', [orderNo, checkoutUrl, providerRef]);
    },

    /** On the primary: an order is read right after it is created or paid. Expires it first if due. */
    async get(orderNo: string): Promise<Order | undefined> {
      await pools.primary.query(`UPDATE payment_orders SET status = 'expired' WHERE order_no = $1 AND status = 'pending' AND expires_at < now()`, [orderNo]);
      return (await pools.primary.query<Order>(`SELECT ${COLUMNS} FROM payment_orders WHERE order_no = $1`, [orderNo])).rows[0];
    },

    async lockForUpdate(tx: PoolClient, orderNo: string): Promise<Order | undefined> {
      return (await tx.query<Order>(`SELECT ${COLUMNS} FROM payment_orders WHERE order_no = $1 FOR UPDATE`, [orderNo])).rows[0];
    },

    async setStatus(db: Queryable, orderId: number, status: OrderStatus): Promise<void> {
      const stamp = { paid: 'paid_at', fulfilled: 'fulfilled_at', refunded: 'refunded_at' }[status as string];
      await db.query(`UPDATE payment_orders SET status = $2${stamp ? `, ${stamp} = coalesce(${stamp}, now())` : ''} WHERE id = $1`, [orderId, status]);
    },

    /**
     * The buyer gave up: a pending order becomes cancelled (an order in any other state
     * stays as it is). The order as it is now, with the provider's reference of its
     * checkout; `cancelled` says whether this call cancelled it.
     */
    async cancel(orderNo: string): Promise<{ order: Order; providerRef: string | null; cancelled: boolean } | undefined> {
      const done = await pools.primary.query<Order & { provider_ref: string | null }>(
        `UPDATE payment_orders SET status = 'cancelled', cancelled_at = now()
          WHERE order_no = $1 AND status = 'pending'
          RETURNING ${COLUMNS}, provider_ref`,
        [orderNo],
      );
      if (done.rows[0]) {
        const { provider_ref, ...order } = done.rows[0];
        return { order, providerRef: provider_ref, cancelled: true };
      }
      const { rows } = await pools.primary.query<Order>(`SELECT ${COLUMNS} FROM payment_orders WHERE order_no = $1`, [orderNo]);
      return rows[0] && { order: rows[0], providerRef: null, cancelled: false };
    },

    /** Pending orders past their time become expired (a later payment is still honoured). */
    async expireDue(): Promise<number> {
      const { rowCount } = await pools.primary.query(`UPDATE payment_orders SET status = 'expired' WHERE status = 'pending' AND expires_at < now()`);
      return rowCount ?? 0;
    },

    /** A customer's orders with their packages' names, newest first; on the primary (one was just placed or paid). */
    async listForUser(userId: number, limit = 100): Promise<Array<Order & { package_name: string }>> {
      await pools.primary.query(`UPDATE payment_orders SET status = 'expired' WHERE user_id = $1 AND status = 'pending' AND expires_at < now()`, [userId]);
      const { rows } = await pools.primary.query<Order & { package_name: string }>(
        `SELECT ${COLUMNS.split(', ')
          .map((c) => `o.${c}`)
          .join(', ')}, p.name AS package_name
           FROM payment_orders o JOIN packages p ON p.id = o.package_id
          WHERE o.user_id = $1
          ORDER BY o.created_at DESC, o.id DESC
          LIMIT $2`,
        [userId, limit],
      );
      return rows;
    },

    async list(filter: { status?: string; userId?: number; provider?: string; limit: number; before?: string }): Promise<Order[]> {
      const { rows } = await pools.reader.query<Order>(
        `SELECT ${COLUMNS} FROM payment_orders
          WHERE ($1::text IS NULL OR status = $1)
            AND ($2::bigint IS NULL OR user_id = $2)
            AND ($3::text IS NULL OR provider = $3)
            AND ($4::text IS NULL OR order_no < $4)
          ORDER BY order_no DESC
          LIMIT $5`,
        [filter.status ?? null, filter.userId ?? null, filter.provider ?? null, filter.before ?? null, filter.limit],
      );
      return rows;
    },
  };
}

export type OrderStore = ReturnType<typeof createOrderStore>;
