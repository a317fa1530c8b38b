import { isUnavailable, withTransaction, type Pools, type PoolClient } from '../../infra/db.js';
import { PLAN_COLUMNS, type PlanTerms } from './package-store.js';
import { periodDates } from './period-dates.js';
import type { Entitlement } from '../../domain/entitlement.js';

export interface PackagePeriod {
  id: number;
  package_id: number;
  status: 'active' | 'cancelled' | 'refunded';
  start_date: string;
  end_date: string;
  order_id: number | null;
}

/** A period with its package's terms and where it came from, as its owner sees it. */
export interface PeriodDetail extends PackagePeriod, PlanTerms {
  package_name: string;
  daily_request_limit: number | null;
  daily_token_limit: number | null;
  rpm_limit: number | null;
  order_no: string | null;
  redeemed: boolean;
}

const PERIOD_COLUMNS = 'id, package_id, status, start_date, end_date, order_id';

// Periods not ended by $2 (domain/entitlement.ts `hasEnded`), for `entitlementOn` to pick the one in effect.
const ENTITLEMENTS = `
  SELECT up.id AS "userPackageId", up.package_id AS "packageId", up.package_name AS "packageName",
         up.start_date AS "startDate", up.end_date AS "endDate",
         up.daily_request_limit AS "dailyRequestLimit", up.daily_token_limit AS "dailyTokenLimit",
         up.rpm_limit AS "rpmLimit", up.daily_credit_limit AS "dailyCreditLimit",
         up.five_hour_request_limit AS "fiveHourRequestLimit", up.five_hour_token_limit AS "fiveHourTokenLimit",
         up.five_hour_credit_limit AS "fiveHourCreditLimit", up.weekly_request_limit AS "weeklyRequestLimit",
         up.weekly_token_limit AS "weeklyTokenLimit", up.weekly_credit_limit AS "weeklyCreditLimit",
         up.max_concurrent_streams AS "maxConcurrentStreams", up.models
    FROM user_packages up
   WHERE up.user_id = $1 AND up.status = 'active' AND up.end_date >= $2
   ORDER BY up.start_date`;

export function createUserPackageStore({ pools }: { pools: Pools }) {
  return {
    /**
     * Adds a period of the package for the user, dated by `periodDates`: it starts now (today)
     * or the day after the user's last active period ends (queued: nothing lost, no overlap).
     * The user's row is locked so that two grants at once queue one after the other.
     */
    async grant(userId: number, pkg: { id: number }, today: string, orderId: number | null = null, tx?: PoolClient): Promise<PackagePeriod | undefined> {
      const run = async (client: PoolClient) => {
        const user = await client.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [userId]);
        if (user.rowCount === 0) return undefined;
        const { rows: found } = await client.query<{ duration_days: number; last_end: string | null }>(
          `SELECT p.duration_days,
                  (SELECT max(end_date) FROM user_packages WHERE user_id = $1 AND status = 'active') AS last_end
             FROM packages p
            WHERE p.id = $2`,
          [userId, pkg.id],
        );
        if (!found[0]) return undefined;
        const dates = periodDates(today, found[0].last_end, found[0].duration_days);
        // The period copies the package's terms as they are now: a later edit of the package does not change it.
        const { rows } = await client.query<PackagePeriod>(
          `INSERT INTO user_packages (user_id, package_id, status, start_date, end_date, order_id,
                                      package_name, daily_request_limit, daily_token_limit, rpm_limit, ${PLAN_COLUMNS.join(', ')})
           SELECT $1, p.id, 'active', $3::date, $4::date, $5,
                  p.name, p.daily_request_limit, p.daily_token_limit, p.rpm_limit, ${PLAN_COLUMNS.map((c) => `p.${c}`).join(', ')}
             FROM packages p
            WHERE p.id = $2
           RETURNING ${PERIOD_COLUMNS}`,
          [userId, pkg.id, dates.start_date, dates.end_date, orderId],
        );
        return rows[0];
      };
      return tx ? run(tx) : withTransaction(pools.primary, run);
    },

    /** The first day of a period granted now (what a buyer is told before paying); on the primary (a purchase may have just been fulfilled). */
    async nextStart(userId: number, today: string): Promise<string> {
      const { rows } = await pools.primary.query<{ last_end: string | null }>(
        `SELECT max(end_date) AS last_end FROM user_packages WHERE user_id = $1 AND status = 'active'`,
        [userId],
      );
      return periodDates(today, rows[0]?.last_end ?? null, 1).start_date;
    },

    /** Ends the periods an order bought (a refund): they no longer count, today or later. */
    async refundOrder(tx: PoolClient, orderId: number): Promise<number> {
      const { rowCount } = await tx.query(`UPDATE user_packages SET status = 'refunded' WHERE order_id = $1 AND status = 'active'`, [orderId]);
      return rowCount ?? 0;
    },

    /** Current and queued periods (and past ones), newest last. */
    async listForUser(userId: number): Promise<PackagePeriod[]> {
      return (await pools.primary.query<PackagePeriod>(`SELECT ${PERIOD_COLUMNS} FROM user_packages WHERE user_id = $1 ORDER BY start_date, id`, [userId]))
        .rows;
    },

    /** Every period of the user with its package and origin, oldest first; on the primary (just bought or redeemed). */
    async listDetailed(userId: number): Promise<PeriodDetail[]> {
      const { rows } = await pools.primary.query<PeriodDetail>(
        `SELECT up.id, up.package_id, up.status, up.start_date, up.end_date, up.order_id,
                up.package_name, up.daily_request_limit, up.daily_token_limit, up.rpm_limit, ${PLAN_COLUMNS.map((c) => `up.${c}`).join(', ')},
                o.order_no, EXISTS (SELECT 1 FROM redemption_codes rc WHERE rc.user_package_id = up.id) AS redeemed
           FROM user_packages up
           LEFT JOIN payment_orders o ON o.id = up.order_id
          WHERE up.user_id = $1
          ORDER BY up.start_date, up.id`,
        [userId],
      );
      return rows;
    },

    /**
     * Active periods that have not ended by `today`, with their limits. Read on the primary:
     * a package granted or paid a moment ago must count on the very next request. While the
     * primary does not answer, the replica's (possibly a moment old) answer beats refusing.
     */
    async entitlements(userId: number, today: string): Promise<Entitlement[]> {
      try {
        return (await pools.primary.query<Entitlement>(ENTITLEMENTS, [userId, today])).rows;
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        return (await pools.replica.query<Entitlement>(ENTITLEMENTS, [userId, today])).rows;
      }
    },
  };
}

export type UserPackageStore = ReturnType<typeof createUserPackageStore>;
