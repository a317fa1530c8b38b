import type { Pools } from '../../infra/db.js';

export interface BusinessDay {
  date: string;
  new_customers: number;
  /** Fulfilled orders' amounts that day, per currency (minor units). */
  revenue: Record<string, number>;
}

/** Money and sign-ups per business day, read on the replica (history). */
export function createBusinessStore({ pools }: { pools: Pick<Pools, 'reader'> }) {
  return {
    async days(from: string, to: string, timeZone: string): Promise<BusinessDay[]> {
      const bounds = [from, to, timeZone];
      const [signUps, revenue] = await Promise.all([
        pools.reader.query<{ date: string; n: number }>(
          `SELECT (created_at AT TIME ZONE $3)::date AS date, count(*) AS n
             FROM users
            WHERE role IS NULL AND created_at >= ($1::date::timestamp AT TIME ZONE $3) AND created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
            GROUP BY 1`,
          bounds,
        ),
        pools.reader.query<{ date: string; currency: string; cents: number }>(
          `SELECT (fulfilled_at AT TIME ZONE $3)::date AS date, currency, sum(amount_cents) AS cents
             FROM payment_orders
            WHERE status = 'fulfilled' AND fulfilled_at >= ($1::date::timestamp AT TIME ZONE $3) AND fulfilled_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
            GROUP BY 1, 2`,
          bounds,
        ),
      ]);
      const byDate = new Map<string, BusinessDay>();
      const day = (date: string) => byDate.get(date) ?? byDate.set(date, { date, new_customers: 0, revenue: {} }).get(date)!;
      for (const r of signUps.rows) day(r.date).new_customers = r.n;
      for (const r of revenue.rows) day(r.date).revenue[r.currency] = r.cents;
      return [...byDate.values()];
    },
  };
}

export type BusinessStore = ReturnType<typeof createBusinessStore>;
