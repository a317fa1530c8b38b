import type { EntitlementService } from '../packages/entitlement-service.js';
import { businessDay, nextMidnight } from '../quota/business-day.js';
import type { DailyUsageReader } from '../quota/daily-usage-reader.js';
import type { QuotaService } from '../quota/quota-service.js';

interface Deps {
  quota: Pick<QuotaService, 'today'>;
  dailyUsage: Pick<DailyUsageReader, 'read'>;
  entitlements: Pick<EntitlementService, 'active'>;
  timeZone: string;
}

/**
 * A user's counts today (Redis' live counters, or Postgres' record while Redis is away),
 * the limits of the package in effect and when they reset: /v1/usage and the console's
 * overview show the same numbers.
 */
export function createTodayUsage({ quota, dailyUsage, entitlements, timeZone }: Deps) {
  return async function todayUsage(userId: number) {
    const day = businessDay(timeZone);
    const [live, entitlement] = await Promise.all([quota.today(userId, day).catch(() => undefined), entitlements.active(userId, day)]);
    const counts = live ?? { ...(await dailyUsage.read(userId, day)), reservedTokens: 0 };
    const requests = 'requests' in counts ? counts.requests : counts.requestCount;
    return {
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
        ? {
            id: entitlement.packageId,
            name: entitlement.packageName,
            start_date: entitlement.startDate,
            end_date: entitlement.endDate,
            days_left: Math.round((Date.parse(entitlement.endDate) - Date.parse(day)) / 86_400_000) + 1,
          }
        : null,
    };
  };
}

export type TodayUsage = ReturnType<typeof createTodayUsage>;
