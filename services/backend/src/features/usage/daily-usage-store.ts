import { isUnavailable, type Pools, type Queryable } from '../../infra/db.js';
import type { UsageRecord } from './usage-record.js';

/**
 * daily_usage: one row per user and business day, the customer's books (kept past
 * usage_logs' retention) and, while Redis is away, the quota's counter. Every read and
 * write of the table is here.
 *
 * Count each served request once. request_count gains a request from exactly one of two
 * writers, and the usage record carries which (UsageRecord.requestCounted):
 *   - the quota, when it admits a request in Postgres (Redis is away: `countAdmitted`) or
 *     hands the requests Redis admitted over to Postgres when Redis is lost
 *     (`countInFlight`), so that the fallback's count is complete at once; the
 *     reservation says so (Reservation.inPostgres), and so does its usage record;
 *   - else the usage record, when the flusher writes it, if the request was served
 *     (`addsRequest`).
 * A request the quota counted and that was not served is given back when it is settled
 * (`settleCount`). Why: Redis's counters are rebuilt from this row and the fallback admits
 * against it, so a request counted twice would refuse a customer early, and one never
 * counted would let them past their limit.
 */

export interface DailyCounts {
  requestCount: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Micro-dollars. */
  costMicros: number;
}

const READ = `SELECT request_count AS "requestCount", prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens",
                     cached_tokens AS "cachedTokens", reasoning_tokens AS "reasoningTokens", cost_micros AS "costMicros"
                FROM daily_usage WHERE user_id = $1 AND usage_date = $2`;
const NOTHING: DailyCounts = { requestCount: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, costMicros: 0 };

/** Whether a usage record adds a request to its day: served, and not counted by the quota already. */
export const addsRequest = (r: Pick<UsageRecord, 'billed' | 'requestCounted'>) => r.billed && !r.requestCounted;

/**
 * The flusher's addition to daily_usage, the last step of usage-store.ts's one statement:
 * `input` holds the batch (with `adds_request` from `addsRequest`), `inserted` the records
 * usage_logs did not have yet (a record delivered again is not added again).
 */
export const ADD_RECORDS = `
INSERT INTO daily_usage AS d (user_id, usage_date, request_count, prompt_tokens, completion_tokens,
                              cached_tokens, reasoning_tokens, cost_micros)
SELECT i.user_id, i.usage_date, count(*) FILTER (WHERE i.adds_request), sum(i.prompt_tokens), sum(i.completion_tokens),
       sum(i.cached_tokens), sum(i.reasoning_tokens), sum(i.cost_micros)
  FROM input i JOIN inserted USING (request_id, created_at)
 -- A refusal is in the ledger, not in the books: no request, token or cost of a day.
 WHERE i.refusal = ''
 GROUP BY i.user_id, i.usage_date
 -- A fixed order of row locks: two flushers never deadlock on each other's users.
 ORDER BY i.user_id, i.usage_date
ON CONFLICT (user_id, usage_date) DO UPDATE
   SET request_count = d.request_count + EXCLUDED.request_count,
       prompt_tokens = d.prompt_tokens + EXCLUDED.prompt_tokens,
       completion_tokens = d.completion_tokens + EXCLUDED.completion_tokens,
       cached_tokens = d.cached_tokens + EXCLUDED.cached_tokens,
       reasoning_tokens = d.reasoning_tokens + EXCLUDED.reasoning_tokens,
       cost_micros = d.cost_micros + EXCLUDED.cost_micros,
       updated_at = now()`;

// The operators' summary counts a day's rows to count its users: one row per active user
// and day, however many requests they made (index daily_usage_date).
const DAY_TOTALS = `
SELECT usage_date AS date, sum(request_count)::bigint AS request_count, sum(prompt_tokens)::bigint AS prompt_tokens,
       sum(completion_tokens)::bigint AS completion_tokens, count(*) AS user_count
  FROM daily_usage
 WHERE usage_date BETWEEN $1::date AND $2::date
 GROUP BY usage_date`;

const TOP_USERS = `
WITH per_user AS MATERIALIZED (
  SELECT user_id, sum(request_count)::bigint AS request_count, sum(prompt_tokens)::bigint AS prompt_tokens,
         sum(completion_tokens)::bigint AS completion_tokens
    FROM daily_usage
   WHERE usage_date BETWEEN $1::date AND $2::date
   GROUP BY user_id
), ranked AS (
  (SELECT 'requests' AS ranking, * FROM per_user ORDER BY request_count DESC, user_id LIMIT $3)
  UNION ALL
  (SELECT 'tokens' AS ranking, * FROM per_user ORDER BY prompt_tokens + completion_tokens DESC, user_id LIMIT $3)
)
SELECT r.ranking, r.user_id, u.email, r.request_count, r.prompt_tokens, r.completion_tokens,
       (SELECT count(*) FROM per_user) AS users_in_range
  FROM ranked r LEFT JOIN users u ON u.id = r.user_id`;

type Totals = { request_count: number; prompt_tokens: number; completion_tokens: number };

/** The credits (micro-dollars) each of these users spent on `day`, as recorded (a user with none is left out). */
export async function dayCredits(db: Queryable, userIds: number[], day: string): Promise<Map<number, number>> {
  const { rows } = await db.query<{ user_id: number; cost_micros: number }>(
    'SELECT user_id, cost_micros FROM daily_usage WHERE user_id = ANY($1::bigint[]) AND usage_date = $2::date',
    [userIds, day],
  );
  return new Map(rows.map((r) => [r.user_id, r.cost_micros]));
}

export function createDailyUsageStore({ pools }: { pools: Pick<Pools, 'primary' | 'replica' | 'reader'> }) {
  /** From the primary: what the quota starts a day's counters from must not lag. */
  const read = async (userId: number, day: string): Promise<DailyCounts> => (await pools.primary.query<DailyCounts>(READ, [userId, day])).rows[0] ?? NOTHING;

  return {
    read,

    /** For showing: from the replica while the primary does not answer (a moment old beats no answer). */
    async readShown(userId: number, day: string): Promise<DailyCounts> {
      try {
        return await read(userId, day);
      } catch (err) {
        if (!isUnavailable(err)) throw err;
        return (await pools.replica.query<DailyCounts>(READ, [userId, day])).rows[0] ?? NOTHING;
      }
    },

    async range(userId: number, from: string, to: string) {
      const { rows } = await pools.reader.query<{ date: string; request_count: number; prompt_tokens: number; completion_tokens: number }>(
        `SELECT usage_date AS date, request_count, prompt_tokens, completion_tokens
           FROM daily_usage WHERE user_id = $1 AND usage_date BETWEEN $2 AND $3
          ORDER BY usage_date`,
        [userId, from, to],
      );
      return rows;
    },

    /** Every user's days from..to (history, for operators): each day's totals and its number of users. */
    async dayTotals(from: string, to: string) {
      return (await pools.reader.query<Totals & { date: string; user_count: number }>(DAY_TOTALS, [from, to])).rows;
    },

    /** The `top` users of days from..to by requests and by tokens (`ranking`), and how many users the range had. */
    async topUsers(from: string, to: string, top: number) {
      type Row = Totals & { ranking: 'requests' | 'tokens'; user_id: number; email: string | null; users_in_range: number };
      return (await pools.reader.query<Row>(TOP_USERS, [from, to, top])).rows;
    },

    /**
     * The day's requests, tokens used and credits spent, its row locked until `tx` ends, so
     * that the quota's check and count are one step under concurrency. A row it has to
     * create is gone again if `tx` rolls back (a refusal adds no day to the books).
     */
    async lockDay(tx: Queryable, userId: number, day: string): Promise<{ requests: number; tokens: number; credits: number }> {
      await tx.query('INSERT INTO daily_usage (user_id, usage_date) VALUES ($1, $2) ON CONFLICT DO NOTHING', [userId, day]);
      const { rows } = await tx.query<{ requests: number; tokens: number; credits: number }>(
        `SELECT request_count AS requests, prompt_tokens + completion_tokens AS tokens, cost_micros AS credits
           FROM daily_usage WHERE user_id = $1 AND usage_date = $2 FOR UPDATE`,
        [userId, day],
      );
      return rows[0]!;
    },

    /** The quota admitted a request in Postgres (inside the `lockDay` transaction). */
    async countAdmitted(tx: Queryable, userId: number, day: string): Promise<void> {
      await tx.query('UPDATE daily_usage SET request_count = request_count + 1, updated_at = now() WHERE user_id = $1 AND usage_date = $2', [userId, day]);
    },

    /** Requests Redis admitted that are still in flight (Redis was lost: daily_usage must not lag its counters). */
    async countInFlight(requests: Array<{ userId: number; day: string }>): Promise<void> {
      if (requests.length === 0) return;
      await pools.primary.query(
        `INSERT INTO daily_usage AS d (user_id, usage_date, request_count)
         SELECT user_id, usage_date, count(*) FROM unnest($1::bigint[], $2::date[]) AS t(user_id, usage_date)
          GROUP BY 1, 2 ORDER BY 1, 2
         ON CONFLICT (user_id, usage_date) DO UPDATE SET request_count = d.request_count + EXCLUDED.request_count, updated_at = now()`,
        [requests.map((r) => r.userId), requests.map((r) => r.day)],
      );
    },

    /** A request the quota counted here (`counted`) and that was not served is given back. */
    async settleCount(r: { userId: number; day: string; counted: boolean; served: boolean }): Promise<void> {
      if (!r.counted || r.served) return;
      await pools.primary.query(
        'UPDATE daily_usage SET request_count = greatest(request_count - 1, 0), updated_at = now() WHERE user_id = $1 AND usage_date = $2',
        [r.userId, r.day],
      );
    },
  };
}

export type DailyUsageStore = ReturnType<typeof createDailyUsageStore>;
