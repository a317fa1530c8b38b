import type { Queryable } from '../../infra/db.js';
import type { Locale } from '../../contract/console-api.js';

/** Which customer mails a person wants (each on unless they turned it off in Account), and in which language. */
export interface NoticePreferences {
  receipts: boolean;
  limit_warnings: boolean;
  package_ending: boolean;
  locale: Locale | null;
}

export interface Recipient {
  email: string;
  status: 'active' | 'suspended';
  preferences: NoticePreferences;
}

/** What a receipt says: the order, the package, what was paid and the period it bought. */
export interface ReceiptFacts {
  order_no: string;
  user_id: number;
  package_name: string;
  amount_cents: number;
  currency: string;
  paid_at: Date | null;
  start_date: string | null;
  end_date: string | null;
}

/** A period that ends soon, with nothing queued after it. */
export interface EndingPeriod {
  user_id: number;
  period_id: number;
  package_name: string;
  end_date: string;
}

/** A customer's current period terms a warning watches. */
export interface WatchedTerms {
  user_id: number;
  daily_credit_limit: number | null;
  weekly_request_limit: number | null;
  weekly_token_limit: number | null;
  weekly_credit_limit: number | null;
}

const PREFERENCES = 'mail_receipts AS receipts, mail_limit_warnings AS limit_warnings, mail_package_ending AS package_ending, locale';
const COLUMN_OF: Record<keyof NoticePreferences, string> = {
  receipts: 'mail_receipts',
  limit_warnings: 'mail_limit_warnings',
  package_ending: 'mail_package_ending',
  locale: 'locale',
};

/** The current period of a user on `$2` (a business day) is the earliest active one that covers it (`periodPhase` in SQL). */
const CURRENT_PERIOD = `up.status = 'active' AND up.start_date <= $2::date AND up.end_date >= $2::date`;

/** Customer notices: who wants which, which were sent (each once), and the facts they tell. */
export function createNoticeStore({ db }: { db: Queryable }) {
  const preferences = async (userId: number): Promise<NoticePreferences | undefined> =>
    (await db.query<NoticePreferences>(`SELECT ${PREFERENCES} FROM users WHERE id = $1`, [userId])).rows[0];

  return {
    preferences,

    /** Changes the switches given, keeps the others; the preferences as they now are. */
    async setPreferences(userId: number, change: Partial<NoticePreferences>): Promise<NoticePreferences | undefined> {
      const keys = (Object.keys(COLUMN_OF) as Array<keyof NoticePreferences>).filter((k) => change[k] !== undefined);
      if (keys.length === 0) return preferences(userId);
      const sets = keys.map((k, i) => `${COLUMN_OF[k]} = $${i + 2}`).join(', ');
      const { rows } = await db.query<NoticePreferences>(`UPDATE users SET ${sets} WHERE id = $1 RETURNING ${PREFERENCES}`, [
        userId,
        ...keys.map((k) => change[k]),
      ]);
      return rows[0];
    },

    async recipient(userId: number): Promise<Recipient | undefined> {
      const { rows } = await db.query<NoticePreferences & Omit<Recipient, 'preferences'>>(`SELECT email, status, ${PREFERENCES} FROM users WHERE id = $1`, [
        userId,
      ]);
      const r = rows[0];
      if (!r) return undefined;
      const { email, status, ...preferences } = r;
      return { email, status, preferences };
    },

    /** Marks the notice sent; false when it already was (by this worker or any other). */
    async claim(userId: number, notice: string): Promise<boolean> {
      const { rowCount } = await db.query('INSERT INTO customer_notices (user_id, notice) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, notice]);
      return rowCount === 1;
    },

    /** A mail that could not leave: the notice may be sent again (by the next scan). */
    async release(userId: number, notice: string): Promise<void> {
      await db.query('DELETE FROM customer_notices WHERE user_id = $1 AND notice = $2', [userId, notice]);
    },

    /** A fulfilled order with the period it bought. */
    async receipt(orderNo: string): Promise<ReceiptFacts | undefined> {
      const { rows } = await db.query<ReceiptFacts>(
        `SELECT o.order_no, o.user_id, coalesce(up.package_name, p.name) AS package_name, o.amount_cents, o.currency, o.paid_at,
                up.start_date, up.end_date
           FROM payment_orders o
           JOIN packages p ON p.id = o.package_id
           LEFT JOIN user_packages up ON up.order_id = o.id
          WHERE o.order_no = $1 AND o.status = 'fulfilled'
          ORDER BY up.id
          LIMIT 1`,
        [orderNo],
      );
      return rows[0];
    },

    /** Orders fulfilled in the last `minutes` whose receipt has not been sent (a job lost on its way). */
    async unsentReceipts(minutes: number): Promise<Array<{ user_id: number; order_no: string }>> {
      const { rows } = await db.query<{ user_id: number; order_no: string }>(
        `SELECT o.user_id, o.order_no
           FROM payment_orders o
           JOIN users u ON u.id = o.user_id AND u.mail_receipts
          WHERE o.status = 'fulfilled' AND o.fulfilled_at > now() - make_interval(mins => $1)
            -- Just fulfilled: its receipt is on its way through the queue.
            AND o.fulfilled_at < now() - interval '30 seconds'
            AND NOT EXISTS (SELECT 1 FROM customer_notices n WHERE n.user_id = o.user_id AND n.notice = 'receipt:' || o.order_no)
          ORDER BY o.fulfilled_at
          LIMIT 500`,
        [minutes],
      );
      return rows;
    },

    /**
     * Current periods that end within `days` days of `today` with no period after them
     * (a queued one follows: nothing ends), whose owner wants the reminder and has not had it.
     */
    async endingSoon(today: string, days: number): Promise<EndingPeriod[]> {
      const { rows } = await db.query<EndingPeriod>(
        `SELECT up.user_id, up.id AS period_id, up.package_name, up.end_date
           FROM user_packages up
           JOIN users u ON u.id = up.user_id AND u.status = 'active' AND u.mail_package_ending
          WHERE ${CURRENT_PERIOD} AND up.end_date <= $2::date + $1::int
            AND NOT EXISTS (SELECT 1 FROM user_packages later
                             WHERE later.user_id = up.user_id AND later.status = 'active' AND later.end_date > up.end_date)
            AND NOT EXISTS (SELECT 1 FROM customer_notices n WHERE n.user_id = up.user_id AND n.notice = 'ending:' || up.id)
          ORDER BY up.end_date, up.id
          LIMIT 500`,
        [days, today],
      );
      return rows;
    },

    /** The period still current and still the last one: a reminder about it is still true. */
    async stillEnding(periodId: number, today: string): Promise<EndingPeriod | undefined> {
      const { rows } = await db.query<EndingPeriod>(
        `SELECT up.user_id, up.id AS period_id, up.package_name, up.end_date
           FROM user_packages up
          WHERE up.id = $1 AND ${CURRENT_PERIOD}
            AND NOT EXISTS (SELECT 1 FROM user_packages later
                             WHERE later.user_id = up.user_id AND later.status = 'active' AND later.end_date > up.end_date)`,
        [periodId, today],
      );
      return rows[0];
    },

    /**
     * Of these users, those whose current period limits a week or credits and who want
     * warnings: the limits.
     */
    async watchedTerms(userIds: number[], today: string): Promise<WatchedTerms[]> {
      const { rows } = await db.query<WatchedTerms>(
        `SELECT DISTINCT ON (up.user_id) up.user_id, up.daily_credit_limit, up.weekly_request_limit, up.weekly_token_limit,
                up.weekly_credit_limit
           FROM user_packages up
           JOIN users u ON u.id = up.user_id AND u.status = 'active' AND u.mail_limit_warnings
          WHERE up.user_id = ANY($1::bigint[]) AND ${CURRENT_PERIOD}
          ORDER BY up.user_id, up.start_date, up.id`,
        [userIds, today],
      );
      return rows.filter(
        (r) => r.daily_credit_limit !== null || r.weekly_request_limit !== null || r.weekly_token_limit !== null || r.weekly_credit_limit !== null,
      );
    },

    /** Warnings of windows long over: their rows only held them back from being sent twice. */
    async pruneWarnings(days: number): Promise<void> {
      await db.query(`DELETE FROM customer_notices WHERE notice LIKE 'limit:%' AND sent_at < now() - make_interval(days => $1)`, [days]);
    },
  };
}

export type NoticeStore = ReturnType<typeof createNoticeStore>;
