import type { PaymentEventView } from '../../contract/admin-api.js';
import type { Pools, Queryable } from '../../infra/db.js';

export interface PaymentEvent extends Omit<PaymentEventView, 'received_at'> {
  received_at: Date;
}

export function createPaymentEventStore({ pools }: { pools: Pools }) {
  return {
    /** Records the event; false when the provider delivered this event before (then nothing is done again). */
    async claim(db: Queryable, e: { provider: string; eventId: string; orderNo: string | null; eventType: string; payload: unknown }): Promise<boolean> {
      const { rowCount } = await db.query(
        `INSERT INTO payment_events (provider, event_id, order_no, event_type, outcome, payload)
         VALUES ($1, $2, $3, $4, 'processing', $5)
         ON CONFLICT (provider, event_id) DO NOTHING`,
        [e.provider, e.eventId, e.orderNo, e.eventType, JSON.stringify(e.payload ?? {})],
      );
      return rowCount === 1;
    },

    async setOutcome(db: Queryable, provider: string, eventId: string, outcome: string): Promise<void> {
      await db.query('UPDATE payment_events SET outcome = $3 WHERE provider = $1 AND event_id = $2', [provider, eventId, outcome]);
    },

    async outcomeOf(db: Queryable, provider: string, eventId: string): Promise<string | undefined> {
      const { rows } = await db.query<{ outcome: string }>('SELECT outcome FROM payment_events WHERE provider = $1 AND event_id = $2', [provider, eventId]);
      return rows[0]?.outcome;
    },

    async list(filter: { orderNo?: string; provider?: string; limit: number }): Promise<PaymentEvent[]> {
      const { rows } = await pools.reader.query<PaymentEvent>(
        `SELECT id, provider, event_id, order_no, event_type, outcome, received_at FROM payment_events
          WHERE ($1::text IS NULL OR order_no = $1) AND ($2::text IS NULL OR provider = $2)
          ORDER BY id DESC LIMIT $3`,
        [filter.orderNo ?? null, filter.provider ?? null, filter.limit],
      );
      return rows;
    },
  };
}

export type PaymentEventStore = ReturnType<typeof createPaymentEventStore>;
