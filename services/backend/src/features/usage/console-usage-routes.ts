import type { Response, Router } from 'express';
import { z } from 'zod';
import type { DailyUsageAnswer, LedgerPage, ModelUsageAnswer, TodayUsage as TodayUsageAnswer } from '../../contract/console-api.js';
import { createRouter, route } from '../../infra/routes.js';
import { calendarDay, queryInt, text } from '../../infra/validation.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import { addDays } from '../../domain/business-day.js';
import type { DailyUsageStore } from './daily-usage-store.js';
import type { LedgerFilter, LedgerStore } from './ledger-store.js';
import { OUTCOMES } from './metered-request.js';
import { decodeCursor, encodeCursor } from './request-cursor.js';
import type { TodayUsage } from './today-usage.js';
import { dayRangeQuery } from './usage-schemas.js';
import { CSV_COLUMNS, csvLine, entryView } from './usage-views.js';

const CSV_MAX_ROWS = 100_000;
const CSV_PAGE = 1000;

const ledgerQuery = z.object({
  limit: queryInt(1, 200).default(50),
  cursor: text().max(200).optional(),
  key_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  model: text().min(1).max(200).optional(),
  date: calendarDay().optional(),
  outcome: z.enum(OUTCOMES).optional(),
  status: queryInt(100, 599).optional(),
});

const csvQuery = ledgerQuery.omit({ limit: true, cursor: true });

async function write(res: Response, chunk: string): Promise<void> {
  if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
}

interface Deps {
  todayUsage: TodayUsage;
  dailyUsage: Pick<DailyUsageStore, 'range'>;
  ledger: LedgerStore;
  timeZone: string;
}

/** /api/console/usage/* and /api/console/ledger: a person's own usage, today and in history. */
export function createConsoleUsageRoutes({ todayUsage, dailyUsage, ledger, timeZone }: Deps): Router {
  const router = createRouter();
  const access = SIGNED_IN;
  /** The page and the CSV filter alike: this person's rows, days in the business time zone. */
  const ledgerFilter = (userId: number, q: z.infer<typeof csvQuery>): Omit<LedgerFilter, 'limit'> => ({
    userId,
    keyId: q.key_id,
    model: q.model,
    day: q.date,
    timeZone,
    outcome: q.outcome,
    status: q.status,
  });

  route(router, 'get', '/usage/today', { access, summary: 'My counts today and the limits' }, async (_in, res) => {
    const { account } = requireCaller(res);
    const { reserved_tokens: _reserved, ...today } = await todayUsage(account.id);
    res.json(today satisfies TodayUsageAnswer);
  });

  route(router, 'get', '/usage/daily', { access, summary: 'My usage per day', query: dayRangeQuery }, async ({ query }, res) => {
    const { account } = requireCaller(res);
    const { from, to } = query;
    const byDate = new Map((await dailyUsage.range(account.id, from, to)).map((r) => [r.date, r]));
    const daily = [];
    for (let day = from; day <= to; day = addDays(day)) {
      daily.push(byDate.get(day) ?? { date: day, request_count: 0, prompt_tokens: 0, completion_tokens: 0 });
    }
    res.json({ from, to, daily } satisfies DailyUsageAnswer);
  });

  route(router, 'get', '/usage/models', { access, summary: 'My usage per day and model', query: dayRangeQuery }, async ({ query }, res) => {
    const { account } = requireCaller(res);
    const { from, to } = query;
    const rows = await ledger.byDayAndModel(account.id, from, to, timeZone);
    const totals = new Map<string, { model: string; request_count: number; prompt_tokens: number; completion_tokens: number }>();
    for (const r of rows) {
      const t = totals.get(r.model) ?? { model: r.model, request_count: 0, prompt_tokens: 0, completion_tokens: 0 };
      t.request_count += r.request_count;
      t.prompt_tokens += r.prompt_tokens;
      t.completion_tokens += r.completion_tokens;
      totals.set(r.model, t);
    }
    res.json({ from, to, rows, totals: [...totals.values()].sort((a, b) => b.request_count - a.request_count) } satisfies ModelUsageAnswer);
  });

  route(router, 'get', '/ledger', { access, summary: 'My requests, newest first (keyset pages)', query: ledgerQuery }, async ({ query: q }, res) => {
    const { account } = requireCaller(res);
    const rows = await ledger.page({ ...ledgerFilter(account.id, q), after: decodeCursor(q.cursor || undefined), limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    res.json({
      data: page.map(entryView),
      next_cursor: rows.length > q.limit ? encodeCursor({ createdAt: page.at(-1)!.created_at_exact, requestId: page.at(-1)!.request_id }) : null,
    } satisfies LedgerPage);
  });

  route(router, 'get', '/ledger.csv', { access, summary: 'My requests as CSV', query: csvQuery, produces: 'text/csv' }, async ({ query: q }, res) => {
    const { account } = requireCaller(res);
    const filter: LedgerFilter = { ...ledgerFilter(account.id, q), limit: CSV_PAGE };
    let rows = await ledger.page(filter);
    res.set({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="usage-${q.date ?? 'all'}.csv"`,
      'cache-control': 'no-store',
    });
    await write(res, `${CSV_COLUMNS.join(',')}\r\n`);
    let written = 0;
    while (rows.length > 0 && written < CSV_MAX_ROWS) {
      await write(res, rows.map((r) => csvLine(entryView(r))).join(''));
      written += rows.length;
      if (rows.length < CSV_PAGE) break;
      const last = rows[rows.length - 1]!;
      rows = await ledger.page({ ...filter, after: { createdAt: last.created_at_exact, requestId: last.request_id } });
    }
    res.end();
  });

  return router;
}
