import type { Pools } from '../../infra/db.js';
import { type MeteredRow, type Outcome, outcomeCondition } from './metered-request.js';
import type { RequestPosition } from './request-cursor.js';

export interface LedgerRow extends MeteredRow {
  key_name: string | null;
}

export interface LedgerFilter {
  userId: number;
  keyId?: number;
  model?: string;
  /** A business day (YYYY-MM-DD) in `timeZone`. */
  day?: string;
  timeZone: string;
  outcome?: Outcome;
  status?: number;
  /** Rows strictly older than this (created_at, request_id). */
  after?: RequestPosition;
  limit: number;
}

export interface ModelDayRow {
  date: string;
  model: string;
  request_count: number;
  prompt_tokens: number;
  completion_tokens: number;
}

// Day bounds are computed as instants so that idx_usage_logs_user_created serves the range.
const LEDGER = `
SELECT l.request_id, l.created_at, l.created_at::text AS created_at_exact, l.api_key_id, k.name AS key_name, l.model, l.stream,
       l.prompt_tokens, l.completion_tokens, l.total_tokens, l.cached_tokens, l.reasoning_tokens, l.cost_micros, l.status_code, l.latency_ms, l.refusal,
       l.unit, l.units
  FROM usage_logs l
  LEFT JOIN api_keys k ON k.id = l.api_key_id
 WHERE l.user_id = $1
   AND ($2::timestamptz IS NULL OR (l.created_at, l.request_id) < ($2::timestamptz, $3::text))
   AND ($4::bigint IS NULL OR l.api_key_id = $4)
   AND ($5::text IS NULL OR l.model = $5)
   AND ($6::date IS NULL OR (l.created_at >= ($6::date::timestamp AT TIME ZONE $7) AND l.created_at < (($6::date + 1)::timestamp AT TIME ZONE $7)))
   AND ${outcomeCondition(9, 'l.')}
   AND ($10::int IS NULL OR l.status_code = $10)
 ORDER BY l.created_at DESC, l.request_id DESC
 LIMIT $8`;

const BY_DAY_AND_MODEL = `
SELECT (l.created_at AT TIME ZONE $4)::date AS date, l.model, count(*) AS request_count,
       coalesce(sum(l.prompt_tokens), 0) AS prompt_tokens, coalesce(sum(l.completion_tokens), 0) AS completion_tokens
  FROM usage_logs l
 WHERE l.user_id = $1
   AND l.refusal IS NULL
   AND l.created_at >= ($2::date::timestamp AT TIME ZONE $4)
   AND l.created_at < (($3::date + 1)::timestamp AT TIME ZONE $4)
 GROUP BY 1, 2
 ORDER BY 1, 2`;

/** A person's per-request history (usage_logs), read from the replica: it is history. */
export function createLedgerStore({ pools }: { pools: Pools }) {
  return {
    async page(f: LedgerFilter): Promise<LedgerRow[]> {
      const { rows } = await pools.reader.query<LedgerRow>(LEDGER, [
        f.userId,
        f.after?.createdAt ?? null,
        f.after?.requestId ?? '',
        f.keyId ?? null,
        f.model ?? null,
        f.day ?? null,
        f.timeZone,
        f.limit,
        f.outcome ?? null,
        f.status ?? null,
      ]);
      return rows;
    },

    async byDayAndModel(userId: number, from: string, to: string, timeZone: string): Promise<ModelDayRow[]> {
      return (await pools.reader.query<ModelDayRow>(BY_DAY_AND_MODEL, [userId, from, to, timeZone])).rows;
    },
  };
}

export type LedgerStore = ReturnType<typeof createLedgerStore>;
