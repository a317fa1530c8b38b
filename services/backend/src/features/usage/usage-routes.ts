import type { Router } from 'express';
import { NotFoundError } from '../../infra/errors.js';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { requires } from '../../infra/staff-access.js';
import { keyCaller } from '../keys/api-key-auth.js';
import type { DailyUsageStore } from './daily-usage-store.js';
import type { TodayUsage } from './today-usage.js';
import { dayRangeQuery } from './usage-schemas.js';

/** GET /api/v1/usage: the caller's counts today, the limits, the package and its end. */
export function createCustomerUsageRoutes({ todayUsage, access }: { todayUsage: TodayUsage; access: Access }): Router {
  const router = createRouter();
  route(router, 'get', '/usage', { access, summary: "Today's counts, the limits, the package and its end" }, async (_in, res) => {
    const { userId } = keyCaller(res);
    res.json({ object: 'usage', ...(await todayUsage(userId)) });
  });
  return router;
}

/** GET /api/admin/users/:id/usage?from&to: daily history, from the replica. */
export function createAdminUsageRoutes({
  dailyUsage,
  userExists,
}: {
  dailyUsage: Pick<DailyUsageStore, 'range'>;
  userExists: (id: number) => Promise<boolean>;
}): Router {
  const router = createRouter();
  const spec = { access: requires('usage.read'), summary: "A user's daily usage", params: idParams, query: dayRangeQuery };
  route(router, 'get', '/users/:id/usage', spec, async ({ params, query }, res) => {
    const userId = params.id;
    const { from, to } = query;
    if (!(await userExists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json({ daily: await dailyUsage.range(userId, from, to) });
  });
  return router;
}
