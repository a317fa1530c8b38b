import type { TodayUsage as TodayUsageView, UsageWindow } from '../../contract/console-api.js';
import { microsToDollars, microsToDollarsOrNull } from '../models/pricing.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import type { Entitlement } from '../packages/user-package-store.js';
import { businessDay, nextMidnight } from '../quota/business-day.js';
import type { DailyUsageReader } from '../quota/daily-usage-reader.js';
import { FIVE_HOURS_MS, type QuotaService, WEEK_MS, type WindowCounts } from '../quota/quota-service.js';

interface Deps {
  quota: Pick<QuotaService, 'today' | 'windows'>;
  dailyUsage: Pick<DailyUsageReader, 'read'>;
  entitlements: Pick<EntitlementService, 'active'>;
  timeZone: string;
}

const DAY_MS = 24 * 3600_000;

/** The 5-hour and weekly windows the plan limits, as the quota holds them. */
function rollingWindows(e: Entitlement, counts: WindowCounts[]): UsageWindow[] {
  const terms = [
    { window: 'five_hour' as const, length: FIVE_HOURS_MS, limits: [e.fiveHourRequestLimit, e.fiveHourTokenLimit, e.fiveHourCreditLimit] },
    { window: 'week' as const, length: WEEK_MS, limits: [e.weeklyRequestLimit, e.weeklyTokenLimit, e.weeklyCreditLimit] },
  ];
  return terms
    .filter((t) => t.limits.some((l) => l !== null))
    .map((t) => {
      const c = counts.find((w) => w.window === t.window);
      const start = c?.start;
      return {
        window: t.window,
        started_at: start === undefined ? null : new Date(start).toISOString(),
        resets_at: start === undefined ? null : new Date(start + t.length).toISOString(),
        request_count: c?.requests ?? 0,
        total_tokens: c?.tokens ?? 0,
        cost: microsToDollars(c?.credits ?? 0),
        request_limit: t.limits[0] ?? null,
        token_limit: t.limits[1] ?? null,
        credit_limit: microsToDollarsOrNull(t.limits[2] ?? null),
      };
    });
}

/**
 * A user's counts today (Redis' live counters, or Postgres' record while Redis is away),
 * every window the plan limits with when it resets, and the package in effect: /v1/usage
 * and the console's overview show the same numbers.
 */
export function createTodayUsage({ quota, dailyUsage, entitlements, timeZone }: Deps) {
  return async function todayUsage(userId: number): Promise<TodayUsageView & { reserved_tokens: number }> {
    const day = businessDay(timeZone);
    const [live, windows, recorded, entitlement] = await Promise.all([
      quota.today(userId, day).catch(() => undefined),
      quota.windows(userId).catch(() => []),
      dailyUsage.read(userId, day),
      entitlements.active(userId, day),
    ]);
    const counts = live ?? {
      requests: recorded.requestCount,
      promptTokens: recorded.promptTokens,
      completionTokens: recorded.completionTokens,
      reservedTokens: 0,
      costMicros: recorded.costMicros,
    };
    const resetsAt = nextMidnight(timeZone);
    const e = entitlement;
    const today: UsageWindow = {
      window: 'day',
      started_at: new Date(resetsAt.getTime() - DAY_MS).toISOString(),
      resets_at: resetsAt.toISOString(),
      request_count: counts.requests,
      total_tokens: counts.promptTokens + counts.completionTokens + counts.reservedTokens,
      cost: microsToDollars(counts.costMicros),
      request_limit: e?.dailyRequestLimit ?? null,
      token_limit: e?.dailyTokenLimit ?? null,
      credit_limit: microsToDollarsOrNull(e?.dailyCreditLimit ?? null),
    };
    return {
      date: day,
      time_zone: timeZone,
      resets_at: resetsAt.toISOString(),
      request_count: counts.requests,
      prompt_tokens: counts.promptTokens,
      completion_tokens: counts.completionTokens,
      total_tokens: counts.promptTokens + counts.completionTokens,
      reserved_tokens: counts.reservedTokens,
      cached_tokens: recorded.cachedTokens,
      reasoning_tokens: recorded.reasoningTokens,
      cost: microsToDollars(counts.costMicros),
      limits: e
        ? {
            daily_request_limit: e.dailyRequestLimit,
            daily_token_limit: e.dailyTokenLimit,
            daily_credit_limit: microsToDollarsOrNull(e.dailyCreditLimit),
            rpm_limit: e.rpmLimit,
            max_concurrent_streams: e.maxConcurrentStreams,
          }
        : null,
      windows: e ? [today, ...rollingWindows(e, windows)] : [today],
      package: e
        ? {
            id: e.packageId,
            name: e.packageName,
            start_date: e.startDate,
            end_date: e.endDate,
            days_left: Math.round((Date.parse(e.endDate) - Date.parse(day)) / 86_400_000) + 1,
          }
        : null,
    };
  };
}

export type TodayUsage = ReturnType<typeof createTodayUsage>;
