import type { Router } from 'express';
import { z } from 'zod';
import { createRouter, route } from '../../infra/routes.js';
import { calendarDay, instant, queryInt, text } from '../../infra/validation.js';
import { requires } from '../../infra/staff-access.js';
import type { AdminUsageStore } from './admin-usage-store.js';
import { OUTCOMES } from './metered-request.js';
import { decodeCursor, encodeCursor } from './request-cursor.js';
import { requestView } from './usage-views.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// Without a user or a key, a search walks the newest rows of the whole cluster; a month
// bounds how far a filter that matches little (a rare model, a status) may have to look.
const MAX_SEARCH_DAYS = 31;
// The summary's models are one pass over the range's usage_logs rows (admin-usage-store.ts).
const MAX_SUMMARY_DAYS = 92;

const STATUS_CLASSES = { '2xx': [200, 299], '4xx': [400, 499], '5xx': [500, 599] } as const;

const summaryQuery = z.object({ from: calendarDay(), to: calendarDay(), top: queryInt(1, 100).default(10) }).superRefine((q, ctx) => {
  const days = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from must not be after to' });
  if (days >= MAX_SUMMARY_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_SUMMARY_DAYS} days` });
});

const searchQuery = z
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

/**
 * GET /api/admin/usage/summary: the cluster's days and its top users and models.
 * GET /api/admin/usage/requests: every relayed request, filtered, newest first, in keyset
 * pages (pass next_cursor back as cursor with the same filters and range).
 */
export function createAdminUsageSearchRoutes({ usage, timeZone }: { usage: AdminUsageStore; timeZone: string }): Router {
  const router = createRouter();
  const access = requires('usage.read');

  route(
    router,
    'get',
    '/usage/summary',
    { access, summary: "The cluster's days and its top users and models", query: summaryQuery },
    async ({ query: q }, res) => {
      res.json(await usage.summary(q.from, q.to, timeZone, q.top));
    },
  );

  route(
    router,
    'get',
    '/usage/requests',
    { access, summary: 'Relayed requests, filtered, newest first (keyset pages)', query: searchQuery },
    async ({ query: q }, res) => {
      const { rows, next } = await usage.searchRequests({
        from: q.from,
        to: q.to,
        userId: q.user_id,
        keyId: q.key_id,
        model: q.model,
        status: q.status,
        statusRange: q.status_class && STATUS_CLASSES[q.status_class],
        outcome: q.outcome,
        after: decodeCursor(q.cursor),
        limit: q.limit,
      });
      res.json({ data: rows.map(requestView), next_cursor: next && encodeCursor(next) });
    },
  );

  return router;
}
