import { z } from 'zod';
import { calendarDay, instant, queryInt, text } from '../../infra/input-fields.js';
import { OUTCOMES } from '../../contract/console-api.js';

const MAX_RANGE_DAYS = 366;
/** ?from&to: calendar days, at most a year apart (a user's daily usage, the customer's own). */
export const dayRangeQuery = z.object({ from: calendarDay(), to: calendarDay() }).superRefine((r, ctx) => {
  const days = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from must not be after to' });
  if (days >= MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
});

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Without a user or a key, a search walks the newest rows of the whole cluster; a month
// bounds how far a filter that matches little (a rare model, a status) may have to look.
const MAX_SEARCH_DAYS = 31;
// The summary's models are one pass over the range's usage_logs rows (admin-usage-store.ts).
const MAX_SUMMARY_DAYS = 92;

/** GET /api/admin/usage/summary?from&to&top. */
export const usageSummaryQuery = z.object({ from: calendarDay(), to: calendarDay(), top: queryInt(1, 100).default(10) }).superRefine((q, ctx) => {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from must not be after to' });
  if (days >= MAX_SUMMARY_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_SUMMARY_DAYS} days` });
});

/** GET /api/admin/usage/requests: filters, a range (the last day by default) and a keyset cursor. */
export const requestSearchQuery = z
  .object({
    user_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
    key_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
    model: text().min(1).max(256).optional(),
    status: queryInt(100, 599).optional(),
    status_class: z.enum(['2xx', '4xx', '5xx']).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    from: instant().optional(),
    to: instant().optional(),
    limit: queryInt(1, 200).default(50),
    cursor: text().max(400).optional(),
  })
  .transform((q) => {
    // Instants stay strings: Postgres keeps their microseconds, a JS Date would not.
    const to = q.to ?? new Date().toISOString();
    const from = q.from ?? new Date(Date.parse(to) - DAY_MS).toISOString();
    return { ...q, from, to };
  })
  .superRefine((q, ctx) => {
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from must be before to' });
    if (span > MAX_SEARCH_DAYS * DAY_MS && q.user_id === undefined && q.key_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `without user_id or key_id the range may span at most ${MAX_SEARCH_DAYS} days` });
    }
  });
