import { type MeteredRow, type Outcome, outcomeCondition } from './metered-request.js';
import type { Pools } from '../../infra/db.js';
import type { TopModelView as TopModel, UsageSummaryView } from '../../contract/admin-api.js';
import { addDays } from '../../domain/business-day.js';
import type { DailyUsageStore } from './daily-usage-store.js';
import type { RequestPosition } from './request-cursor.js';

export interface RequestFilter {
  /** Instants (ISO 8601), from inclusive, to exclusive. */
  from: string;
  to: string;
  userId?: number;
  keyId?: number;
  model?: string;
  status?: number;
  /** Inclusive status bounds, e.g. [400, 499] for 4xx. */
  statusRange?: readonly [number, number];
  outcome?: Outcome;
  /** Rows strictly older than this one. */
  after?: RequestPosition;
  limit: number;
}

// Each optional filter folds away when its parameter is NULL: node-postgres sends unnamed
// statements, which Postgres plans with the values in hand, so the plan only carries the
// filters given and picks the index that starts with one of them (see the migration
// 1795658400000_usage-logs-search-indexes.sql). `created_at <= $9` states the cursor's
// bound on the index scan outright (Postgres also derives it from the row comparison, but
// the plan should not hang on that); the row comparison settles ties.
const SEARCH = `
SELECT request_id, created_at, created_at::text AS created_at_exact, user_id, api_key_id, model, stream,
       prompt_tokens, completion_tokens, total_tokens, cached_tokens, reasoning_tokens, cost_micros, channel, status_code, latency_ms, refusal,
       unit, units
  FROM usage_logs
 WHERE created_at >= $1::timestamptz AND created_at < $2::timestamptz
   AND ($3::bigint IS NULL OR user_id = $3)
   AND ($4::bigint IS NULL OR api_key_id = $4)
   AND ($5::text IS NULL OR model = $5)
   AND ($6::int IS NULL OR status_code = $6)
   AND ($7::int IS NULL OR status_code BETWEEN $7 AND $8)
   AND ($9::timestamptz IS NULL OR (created_at <= $9 AND (created_at, request_id) < ($9, $10::text)))
   AND ${outcomeCondition(12)}
 ORDER BY created_at DESC, request_id DESC
 LIMIT $11`;

export interface SearchRow extends MeteredRow {
  user_id: number;
  channel: string | null;
}

// The summary reads two tables, each for what it answers cheaply:
// - daily_usage (one row per user per day, kept past usage_logs' retention, read through
//   daily-usage-store.ts) gives the requests, tokens and users of each day and the top users.
// - usage_logs gives what daily_usage does not record: errors and refusals per day (the
//   partial index of failed requests, a few per cent of the rows) and the models,
//   which need one pass over the range's rows. That pass is the summary's cost, and why
//   its range is bounded (admin-usage-routes.ts).
// Days are business days (BUSINESS_TIMEZONE), like daily_usage's dates.
const ERRORS_BY_DAY = `
SELECT (created_at AT TIME ZONE $3)::date AS date, count(*) AS error_count, count(refusal) AS refusal_count
  FROM usage_logs
 WHERE status_code >= 400
   AND created_at >= ($1::date::timestamp AT TIME ZONE $3) AND created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
 GROUP BY 1`;

const TOP_MODELS = `
WITH per_model AS MATERIALIZED (
  SELECT model, count(*) FILTER (WHERE status_code < 400) AS request_count, count(*) FILTER (WHERE status_code >= 400) AS error_count,
         coalesce(sum(prompt_tokens), 0)::bigint AS prompt_tokens, coalesce(sum(completion_tokens), 0)::bigint AS completion_tokens
    FROM usage_logs
   WHERE created_at >= ($1::date::timestamp AT TIME ZONE $3) AND created_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
     -- A key refused before its body was read names no model.
     AND model <> ''
   GROUP BY model
)
(SELECT 'requests' AS ranking, * FROM per_model ORDER BY request_count DESC, model LIMIT $4)
UNION ALL
(SELECT 'tokens' AS ranking, * FROM per_model ORDER BY prompt_tokens + completion_tokens DESC, model LIMIT $4)`;

type Ranked<T> = T & { ranking: 'requests' | 'tokens' };

const sumOf = <K extends string>(rows: Array<Record<K, number>>, key: K) => rows.reduce((sum, r) => sum + r[key], 0);

/** The two rankings of one query, each in its own order (ties: the smaller key first). */
function rankings<T extends { request_count: number; prompt_tokens: number; completion_tokens: number }>(
  rows: Array<Ranked<T>>,
  tieBreak: (a: T, b: T) => number,
): { by_requests: T[]; by_tokens: T[] } {
  const strip = ({ ranking: _ranking, ...rest }: Ranked<T>) => rest as unknown as T;
  const tokens = (r: T) => r.prompt_tokens + r.completion_tokens;
  return {
    by_requests: rows
      .filter((r) => r.ranking === 'requests')
      .map(strip)
      .sort((a, b) => b.request_count - a.request_count || tieBreak(a, b)),
    by_tokens: rows
      .filter((r) => r.ranking === 'tokens')
      .map(strip)
      .sort((a, b) => tokens(b) - tokens(a) || tieBreak(a, b)),
  };
}

/** The cluster's usage for operators: per-request search and daily summary, read on the replica (history). */
export function createAdminUsageStore({ pools, dailyUsage }: { pools: Pick<Pools, 'reader'>; dailyUsage: Pick<DailyUsageStore, 'dayTotals' | 'topUsers'> }) {
  return {
    /** A page, newest first, and the position to continue after (null: nothing older matches). */
    async searchRequests(f: RequestFilter): Promise<{ rows: SearchRow[]; next: RequestPosition | null }> {
      // One row past the page tells whether there is a next one.
      const { rows } = await pools.reader.query<SearchRow>(SEARCH, [
        f.from,
        f.to,
        f.userId ?? null,
        f.keyId ?? null,
        f.model ?? null,
        f.status ?? null,
        f.statusRange?.[0] ?? null,
        f.statusRange?.[1] ?? null,
        f.after?.createdAt ?? null,
        f.after?.requestId ?? '',
        f.limit + 1,
        f.outcome ?? null,
      ]);
      const page = rows.slice(0, f.limit);
      const last = page.at(-1);
      const next = rows.length > f.limit && last ? { createdAt: last.created_at_exact, requestId: last.request_id } : null;
      return { rows: page, next };
    },

    /** Days from..to (YYYY-MM-DD, business days in timeZone), every day listed. */
    async summary(from: string, to: string, timeZone: string, top: number): Promise<UsageSummaryView> {
      const [daily, errors, users, models] = await Promise.all([
        dailyUsage.dayTotals(from, to),
        pools.reader.query<{ date: string; error_count: number; refusal_count: number }>(ERRORS_BY_DAY, [from, to, timeZone]),
        dailyUsage.topUsers(from, to, top),
        pools.reader.query<Ranked<Omit<TopModel, 'total_tokens'>>>(TOP_MODELS, [from, to, timeZone, top]),
      ]);
      const errorsOn = new Map(errors.rows.map((r) => [r.date, r]));
      const dayRows = new Map(daily.map((r) => [r.date, r]));
      const days: UsageSummaryView['daily'] = [];
      for (let day = from; day <= to; day = addDays(day)) {
        const r = dayRows.get(day);
        days.push({
          date: day,
          request_count: r?.request_count ?? 0,
          prompt_tokens: r?.prompt_tokens ?? 0,
          completion_tokens: r?.completion_tokens ?? 0,
          error_count: errorsOn.get(day)?.error_count ?? 0,
          refusal_count: errorsOn.get(day)?.refusal_count ?? 0,
          user_count: r?.user_count ?? 0,
        });
      }
      const withTotal = <T extends { prompt_tokens: number; completion_tokens: number }>(r: T) => ({
        ...r,
        total_tokens: r.prompt_tokens + r.completion_tokens,
      });
      return {
        from,
        to,
        time_zone: timeZone,
        totals: {
          request_count: sumOf(days, 'request_count'),
          prompt_tokens: sumOf(days, 'prompt_tokens'),
          completion_tokens: sumOf(days, 'completion_tokens'),
          error_count: sumOf(days, 'error_count'),
          refusal_count: sumOf(days, 'refusal_count'),
          // Users of the range, each once (a user active on two days is one user).
          user_count: users[0]?.users_in_range ?? 0,
        },
        daily: days,
        top_users: rankings(
          users.map(({ users_in_range: _n, ...r }) => withTotal(r)),
          (a, b) => a.user_id - b.user_id,
        ),
        top_models: rankings(models.rows.map(withTotal), (a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0)),
      };
    },
  };
}

export type AdminUsageStore = ReturnType<typeof createAdminUsageStore>;
