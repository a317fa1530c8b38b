import { withTransaction, type PoolClient, type Pools } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { Actor } from '../../domain/staff-roles.js';
import type { GrantService } from '../packages/grant-service.js';
import type { Order, OrderStore } from './order-store.js';
import type { PaymentEventStore } from './payment-event-store.js';

export type FulfilmentOutcome =
  | 'fulfilled'
  | 'duplicate_event'
  | 'already_fulfilled'
  | 'amount_mismatch'
  | 'unknown_order'
  | 'awaiting_payment'
  | 'payment_failed';

export interface PaymentNotice {
  provider: string;
  /** The provider's id of this event or transaction: delivering it again does nothing. */
  eventId: string;
  eventType: string;
  orderNo: string;
  amountCents: number;
  /** Absent when the provider does not say (EPay amounts are in the order's currency). */
  currency?: string;
  payload: unknown;
}

interface Deps {
  pools: Pools;
  orders: OrderStore;
  events: PaymentEventStore;
  grants: GrantService;
  change: AuditedChange;
  logger: Logger;
  /** After an order's fulfilment committed (once per order): its receipt is queued. */
  onFulfilled?: (orderNo: string, userId: number) => Promise<void>;
}

type Settled = { outcome: FulfilmentOutcome; userId?: number };

/**
 * Turns verified payment notices into order states, each notice exactly once. One
 * transaction on the primary per notice: record the provider's event id (unique: a
 * redelivery stops here), lock the order, check the amount, then act on the order.
 * A payment for an expired, failed or cancelled order is honoured (the money was taken).
 */
export function createFulfilmentService({ pools, orders, events, grants, change, logger, onFulfilled }: Deps) {
  async function settle(notice: PaymentNotice, act: (tx: PoolClient, order: Order) => Promise<Settled>): Promise<FulfilmentOutcome> {
    const result = await withTransaction(pools.primary, async (tx): Promise<Settled> => {
      const fresh = await events.claim(tx, {
        provider: notice.provider,
        eventId: notice.eventId,
        orderNo: notice.orderNo,
        eventType: notice.eventType,
        payload: notice.payload,
      });
      if (!fresh) {
        // A redelivery gets the same answer as the first delivery when that was a refusal.
        const first = await events.outcomeOf(tx, notice.provider, notice.eventId);
        return { outcome: first === 'amount_mismatch' || first === 'unknown_order' ? first : 'duplicate_event' };
      }
      const order = await orders.lockForUpdate(tx, notice.orderNo);
      let settled: Settled;
      if (!order || order.provider !== notice.provider) settled = { outcome: 'unknown_order' };
      else if (order.amount_cents !== notice.amountCents || (notice.currency && notice.currency.toUpperCase() !== order.currency))
        settled = { outcome: 'amount_mismatch' };
      else settled = await act(tx, order);
      await events.setOutcome(tx, notice.provider, notice.eventId, settled.outcome);
      return settled;
    });
    if (result.outcome === 'fulfilled' && result.userId !== undefined) {
      // The new package counts on the very next request, on every worker.
      await grants.announce(result.userId).catch((err) => logger.error({ err: (err as Error).message }, 'entitlement invalidation failed'));
      // A lost receipt job is found again by the notice scan (notices/notice-scans.ts).
      await onFulfilled?.(notice.orderNo, result.userId).catch((err) => logger.warn({ err: (err as Error).message }, 'could not queue a receipt'));
    }
    const log = { provider: notice.provider, orderNo: notice.orderNo, eventType: notice.eventType, outcome: result.outcome };
    if (result.outcome === 'amount_mismatch' || result.outcome === 'unknown_order') logger.warn(log, 'payment notice refused');
    else logger.info(log, 'payment notice handled');
    return result.outcome;
  }

  return {
    /** The payment arrived: mark the order paid, grant the package (queued after any current one), mark it fulfilled. */
    fulfil(notice: PaymentNotice): Promise<FulfilmentOutcome> {
      return settle(notice, async (tx, order) => {
        if (order.status === 'fulfilled' || order.status === 'refunded' || order.status === 'paid') return { outcome: 'already_fulfilled' };
        await orders.setStatus(tx, order.id, 'paid');
        const period = await grants.grantWithin(tx, order.user_id, order.package_id, order.id);
        if (!period) throw new Error(`order ${order.order_no} names a missing package`);
        await orders.setStatus(tx, order.id, 'fulfilled');
        return { outcome: 'fulfilled', userId: order.user_id };
      });
    },

    /** The buyer chose a delayed payment method: recorded, nothing granted until the payment arrives. */
    awaitPayment(notice: PaymentNotice): Promise<FulfilmentOutcome> {
      return settle(notice, async () => ({ outcome: 'awaiting_payment' }));
    },

    /** A delayed payment failed: an order not paid by other means ends as failed. */
    failPayment(notice: PaymentNotice): Promise<FulfilmentOutcome> {
      return settle(notice, async (tx, order) => {
        if (order.status === 'fulfilled' || order.status === 'refunded' || order.status === 'paid') return { outcome: 'already_fulfilled' };
        await orders.setStatus(tx, order.id, 'failed');
        return { outcome: 'payment_failed' };
      });
    },

    /** Staff refund: the order becomes refunded and the package it bought ends; audited in the same transaction. */
    async refund(orderNo: string, actor: Actor): Promise<'refunded' | 'not_found' | 'not_fulfilled'> {
      type Refund = { outcome: 'refunded'; userId: number } | { outcome: 'not_found' | 'not_fulfilled' };
      const result = await change<Refund>(actor, async (tx) => {
        const order = await orders.lockForUpdate(tx, orderNo);
        if (!order) return { entry: null, result: { outcome: 'not_found' } };
        if (order.status !== 'fulfilled') return { entry: null, result: { outcome: 'not_fulfilled' } };
        await orders.setStatus(tx, order.id, 'refunded');
        const ended = await grants.endOrderWithin(tx, order.id);
        const after = { status: 'refunded', periods_ended: ended };
        const entry = { action: 'order.refund', targetType: 'order', targetId: orderNo, before: { status: order.status }, after };
        return { entry, result: { outcome: 'refunded', userId: order.user_id } };
      });
      if (result.outcome === 'refunded') await grants.announce(result.userId);
      return result.outcome;
    },
  };
}

export type FulfilmentService = ReturnType<typeof createFulfilmentService>;
