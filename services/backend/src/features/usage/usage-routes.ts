import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { calendarDay, idParam, parse } from '../../infra/validation.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import { businessDay, nextMidnight } from '../quota/business-day.js';
import type { DailyUsageReader } from '../quota/daily-usage-reader.js';
import type { QuotaService } from '../quota/quota-service.js';
import type { UserStore } from '../users/user-store.js';

interface Deps {
  quota: QuotaService;
  dailyUsage: DailyUsageReader;
  entitlements: EntitlementService;
  timeZone: string;
}

/** GET /api/v1/usage: the caller's counts today, the limits, the package and its end. */
export function createCustomerUsageRoutes({ quota, dailyUsage, entitlements, timeZone }: Deps): Router {
  const router = Router();
  router.get('/usage', async (_req, res) => {
    const { userId } = res.locals.auth as ApiKeyAuth;
    const day = businessDay(timeZone);
    const [live, entitlement] = await Promise.all([quota.today(userId, day).catch(() => undefined), entitlements.active(userId, day)]);
    const counts = live ?? { ...(await dailyUsage.read(userId, day)), reservedTokens: 0 };
    const requests = 'requests' in counts ? counts.requests : counts.requestCount;
    res.json({
      object: 'usage',
      date: day,
      time_zone: timeZone,
      resets_at: nextMidnight(timeZone).toISOString(),
      request_count: requests,
      prompt_tokens: counts.promptTokens,
      completion_tokens: counts.completionTokens,
      total_tokens: counts.promptTokens + counts.completionTokens,
      reserved_tokens: counts.reservedTokens,
      limits: entitlement
        ? { daily_request_limit: entitlement.dailyRequestLimit, daily_token_limit: entitlement.dailyTokenLimit, rpm_limit: entitlement.rpmLimit }
        : null,
      package: entitlement
        ? { id: entitlement.packageId, name: entitlement.packageName, start_date: entitlement.startDate, end_date: entitlement.endDate }
        : null,
    });
  });
  return router;
}

const MAX_RANGE_DAYS = 366;
const rangeSchema = z.object({ from: calendarDay(), to: calendarDay() }).superRefine((r, ctx) => {
  const days = (Date.parse(r.to) - Date.parse(r.from)) / 86_400_000;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'from must not be after to' });
  if (days >= MAX_RANGE_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may span at most ${MAX_RANGE_DAYS} days` });
});

/** GET /api/admin/users/:id/usage?from&to: daily history, from the replica. */
export function createAdminUsageRoutes({ dailyUsage, users }: { dailyUsage: DailyUsageReader; users: UserStore }): Router {
  const router = Router();
  router.get('/users/:id/usage', async (req, res) => {
    const userId = idParam(req.params.id);
    const { from, to } = parse(rangeSchema, req.query);
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json({ daily: await dailyUsage.range(userId, from, to) });
  });
  return router;
}
