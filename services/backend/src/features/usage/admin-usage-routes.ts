import { Router } from 'express';
import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import { calendarDay, instant, parse, queryInt, text } from '../../infra/validation.js';
import type { AdminUsageStore, RequestPosition } from './admin-usage-store.js';

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
    from: instant().optional(),
    to: instant().optional(),
    limit: queryInt(1, 200).default(50),
    cursor: z.string().max(400).optional(),
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

// created_at as Postgres prints a timestamptz, e.g. 2026-11-26 03:57:43.123456+00 (or +05:30).
const PG_INSTANT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
// Request ids are the gateway's own UUIDs; anything printable is accepted, never a NUL.
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** A real date and time of day: Postgres would refuse 2026-02-30 with an error (a 500). */
function isRealInstant(createdAt: string): boolean {
  const m = PG_INSTANT.exec(createdAt);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return y >= 1000 && at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d && at.getUTCHours() === h && at.getUTCMinutes() === mi;
}

function decodeCursor(cursor: string | undefined): RequestPosition | undefined {
  if (cursor === undefined) return undefined;
  const [createdAt = '', requestId = '', ...extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra.length > 0 || !isRealInstant(createdAt) || !REQUEST_ID.test(requestId)) {
    throw new BadRequestError('Invalid cursor: pass next_cursor from the previous page as it is.', 'invalid_cursor', 'cursor');
  }
  return { createdAt, requestId };
}
const encodeCursor = (p: RequestPosition) => Buffer.from(`${p.createdAt}|${p.requestId}`).toString('base64url');

/**
 * GET /api/admin/usage/summary: the cluster's days and its top users and models.
 * GET /api/admin/usage/requests: every relayed request, filtered, newest first, in keyset
 * pages (pass next_cursor back as cursor with the same filters and range).
 */
export function createAdminUsageSearchRoutes({ usage, timeZone }: { usage: AdminUsageStore; timeZone: string }): Router {
  const router = Router();

  router.get('/usage/summary', async (req, res) => {
    const q = parse(summaryQuery, req.query);
    res.json(await usage.summary(q.from, q.to, timeZone, q.top));
  });

  router.get('/usage/requests', async (req, res) => {
    const q = parse(searchQuery, req.query);
    const { rows, next } = await usage.searchRequests({
      from: q.from,
      to: q.to,
      userId: q.user_id,
      keyId: q.key_id,
      model: q.model,
      status: q.status,
      statusRange: q.status_class && STATUS_CLASSES[q.status_class],
      after: decodeCursor(q.cursor),
      limit: q.limit,
    });
    res.json({ data: rows, next_cursor: next && encodeCursor(next) });
  });

  return router;
}
