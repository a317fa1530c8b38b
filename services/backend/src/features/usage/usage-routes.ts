import type { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { calendarDay, idParams } from '../../infra/validation.js';
import { requires } from '../../infra/staff-access.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { DailyUsageStore } from './daily-usage-store.js';
import type { UserStore } from '../users/user-store.js';
import type { TodayUsage } from './today-usage.js';

/** GET /api/v1/usage: the caller's counts today, the limits, the package and its end. */
export function createCustomerUsageRoutes({ todayUsage, access }: { todayUsage: TodayUsage; access: Access }): Router {
  const router = createRouter();
  route(router, 'get', '/usage', { access, summary: "Today's counts, the limits, the package and its end" }, async (_in, res) => {
    const { userId } = res.locals.auth as ApiKeyAuth;
    res.json({ object: 'usage', ...(await todayUsage(userId)) });
  });
  return router;
}

const MAX_RANGE_DAYS = 366;
export const rangeSchema = z.object({ from: calendarDay(), to: calendarDay() }).superRefine((r, ctx) => {
  const days = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from must not be after to' });
  if (days >= MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
});

/** GET /api/admin/users/:id/usage?from&to: daily history, from the replica. */
export function createAdminUsageRoutes({ dailyUsage, users }: { dailyUsage: Pick<DailyUsageStore, 'range'>; users: UserStore }): Router {
  const router = createRouter();
  const spec = { access: requires('usage.read'), summary: "A user's daily usage", params: idParams, query: rangeSchema };
  route(router, 'get', '/users/:id/usage', spec, async ({ params, query }, res) => {
    const userId = params.id;
    const { from, to } = query;
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json({ daily: await dailyUsage.range(userId, from, to) });
  });
  return router;
}
