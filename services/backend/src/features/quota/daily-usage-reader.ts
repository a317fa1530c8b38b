import type { Pools } from '../../infra/db.js';

export interface DailyCounts {
  requestCount: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Micro-dollars. */
  costMicros: number;
}

/** Postgres' record of a user's day (what the usage flusher has written so far). */
export function createDailyUsageReader({ pools }: { pools: Pools }) {
  return {
    async read(userId: number, day: string): Promise<DailyCounts> {
      const { rows } = await pools.primary.query<DailyCounts>(
        `SELECT request_count AS "requestCount", prompt_tokens AS "promptTokens", completion_tokens AS "completionTokens",
                cached_tokens AS "cachedTokens", reasoning_tokens AS "reasoningTokens", cost_micros AS "costMicros"
           FROM daily_usage WHERE user_id = $1 AND usage_date = $2`,
        [userId, day],
      );
      return rows[0] ?? { requestCount: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, costMicros: 0 };
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
  };
}

export type DailyUsageReader = ReturnType<typeof createDailyUsageReader>;
