import { isUnavailable, type Pools } from '../../infra/db.js';

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

/** Postgres' record of a user's day (what the usage flusher has written so far). */
export function createDailyUsageReader({ pools }: { pools: Pools }) {
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
  };
}

export type DailyUsageReader = ReturnType<typeof createDailyUsageReader>;
