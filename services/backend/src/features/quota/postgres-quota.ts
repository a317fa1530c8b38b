import type { Pools } from '../../infra/db.js';
import type { Entitlement } from '../../domain/entitlement.js';

/**
 * The quota while Redis is away: one conditional upsert on daily_usage admits a request
 * only while the day's count is under the limit (row lock: exact under concurrency across
 * replicas). The request's token and credit estimates must fit what is already recorded
 * (requests in flight are not reserved here). No per-minute rate limit or open-stream
 * limit in this mode. The request is then counted in Postgres, so its usage record says so
 * (requestCounted) and the flusher does not count it twice.
 */
export function createPostgresQuota({ pools }: { pools: Pools }) {
  return {
    /** True if admitted (and counted): under the request limit, and the estimates fit the token and credit limits. */
    async reserve(userId: number, day: string, e: Entitlement, estimate: number, estimateCredits: number): Promise<boolean> {
      const { rowCount } = await pools.primary.query(
        `INSERT INTO daily_usage AS d (user_id, usage_date, request_count)
         SELECT $1, $2, 1 WHERE coalesce($3::bigint, 1) > 0 AND ($4::bigint IS NULL OR $5 <= $4) AND ($6::bigint IS NULL OR $7 <= $6)
         ON CONFLICT (user_id, usage_date) DO UPDATE
            SET request_count = d.request_count + 1, updated_at = now()
          WHERE ($3::bigint IS NULL OR d.request_count < $3)
            AND ($4::bigint IS NULL OR d.prompt_tokens + d.completion_tokens + $5 <= $4)
            AND ($6::bigint IS NULL OR d.cost_micros + $7 <= $6)`,
        [userId, day, e.dailyRequestLimit, e.dailyTokenLimit, estimate, e.dailyCreditLimit, estimateCredits],
      );
      return rowCount === 1;
    },

    /**
     * What the user's recorded requests used since `since`: the fallback's bound on a 5-hour
     * or weekly window (a window that began later holds no more than this).
     */
    async usedSince(userId: number, since: Date): Promise<{ requests: number; tokens: number; credits: number }> {
      const { rows } = await pools.primary.query<{ requests: string; tokens: string; credits: string }>(
        `SELECT count(*) FILTER (WHERE status_code < 400) AS requests, coalesce(sum(total_tokens), 0) AS tokens, coalesce(sum(cost_micros), 0) AS credits
           FROM usage_logs WHERE user_id = $1 AND created_at >= $2`,
        [userId, since],
      );
      const r = rows[0]!;
      return { requests: Number(r.requests), tokens: Number(r.tokens), credits: Number(r.credits) };
    },

    /** Counts requests Redis admitted that are still in flight (Redis was lost: daily_usage must not lag its counters). */
    async countMany(requests: Array<{ userId: number; day: string }>): Promise<void> {
      if (requests.length === 0) return;
      await pools.primary.query(
        `INSERT INTO daily_usage AS d (user_id, usage_date, request_count)
         SELECT user_id, usage_date, count(*) FROM unnest($1::bigint[], $2::date[]) AS t(user_id, usage_date)
          GROUP BY 1, 2 ORDER BY 1, 2
         ON CONFLICT (user_id, usage_date) DO UPDATE SET request_count = d.request_count + EXCLUDED.request_count, updated_at = now()`,
        [requests.map((r) => r.userId), requests.map((r) => r.day)],
      );
    },

    /** Gives back a request that was not served. */
    async refund(userId: number, day: string): Promise<void> {
      await pools.primary.query(
        'UPDATE daily_usage SET request_count = greatest(request_count - 1, 0), updated_at = now() WHERE user_id = $1 AND usage_date = $2',
        [userId, day],
      );
    },
  };
}

export type PostgresQuota = ReturnType<typeof createPostgresQuota>;
