import type { Pools } from '../../infra/db.js';
import type { Entitlement } from '../packages/user-package-store.js';

/**
 * The quota while Redis is away: one conditional upsert on daily_usage admits a request
 * only while the day's count is under the limit (row lock: exact under concurrency across
 * replicas). The request's token estimate must fit what is already recorded (requests in
 * flight are not reserved here). No per-minute rate limit in this mode. The request is
 * then counted in Postgres, so its usage record says so (requestCounted) and the flusher
 * does not count it twice.
 */
export function createPostgresQuota({ pools }: { pools: Pools }) {
  return {
    /** True if admitted (and counted): under the request limit, and `estimate` more tokens fit the token limit. */
    async reserve(userId: number, day: string, e: Entitlement, estimate: number): Promise<boolean> {
      const { rowCount } = await pools.primary.query(
        `INSERT INTO daily_usage AS d (user_id, usage_date, request_count)
         SELECT $1, $2, 1 WHERE coalesce($3::bigint, 1) > 0 AND ($4::bigint IS NULL OR $5 <= $4)
         ON CONFLICT (user_id, usage_date) DO UPDATE
            SET request_count = d.request_count + 1, updated_at = now()
          WHERE ($3::bigint IS NULL OR d.request_count < $3)
            AND ($4::bigint IS NULL OR d.prompt_tokens + d.completion_tokens + $5 <= $4)`,
        [userId, day, e.dailyRequestLimit, e.dailyTokenLimit, estimate],
      );
      return rowCount === 1;
    },

    /** Counts a request Redis admitted (near the limit, so that Postgres's count never lags it). */
    async count(userId: number, day: string): Promise<void> {
      await pools.primary.query(
        `INSERT INTO daily_usage AS d (user_id, usage_date, request_count) VALUES ($1, $2, 1)
         ON CONFLICT (user_id, usage_date) DO UPDATE SET request_count = d.request_count + 1, updated_at = now()`,
        [userId, day],
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
