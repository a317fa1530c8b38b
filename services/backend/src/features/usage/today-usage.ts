import type { TodayUsage as TodayUsageView, UsageWindow } from '../../contract/console-api.js';
import { microsToDollars, microsToDollarsOrNull } from '../../domain/money.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { addDays, businessDay, dayStart, isoInZone, periodEndsAt } from '../../domain/business-day.js';
import { isLimited, ROLLING_WINDOWS, type WindowLimits, windowLimits } from '../quota/limit-windows.js';
import type { QuotaService } from '../quota/quota-service.js';
import type { WindowCounts } from '../quota/quota-types.js';
import type { DailyUsageStore } from './daily-usage-store.js';

interface Deps {
  quota: Pick<QuotaService, 'today' | 'windows'>;
  dailyUsage: Pick<DailyUsageStore, 'readShown'>;
  entitlements: Pick<EntitlementService, 'active'>;
  timeZone: string;
}

const DAY_MS = 24 * 3600_000;

/** A window's limits as the API shows them (credits in dollars). */
const limitView = (l: WindowLimits | undefined) => ({
  request_limit: l?.requests ?? null,
  token_limit: l?.tokens ?? null,
  credit_limit: microsToDollarsOrNull(l?.credits ?? null),
});

/** The 5-hour and weekly windows the plan limits, as the quota holds them. */
function rollingWindows(e: Entitlement, counts: WindowCounts[], iso: (ms: number) => string): UsageWindow[] {
  const limits = windowLimits(e);
  return ROLLING_WINDOWS.filter(({ window }) => isLimited(limits[window])).map(({ window, lengthMs }) => {
    const c = counts.find((w) => w.window === window);
    const start = c?.start;
    return {
      window,
      started_at: start === undefined ? null : iso(start),
      resets_at: start === undefined ? null : iso(start + lengthMs),
      request_count: c?.requests ?? 0,
      total_tokens: c?.tokens ?? 0,
      cost: microsToDollars(c?.credits ?? 0),
      ...limitView(limits[window]),
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
      dailyUsage.readShown(userId, day),
      entitlements.active(userId, day),
    ]);
    const counts = live ?? {
      requests: recorded.requestCount,
      promptTokens: recorded.promptTokens,
      completionTokens: recorded.completionTokens,
      reservedTokens: 0,
      costMicros: recorded.costMicros,
    };
    // Instants as ISO 8601 with the business zone's offset, as refusals name them.
    const iso = (ms: number) => isoInZone(timeZone, new Date(ms));
    const now = Date.now();
    const resetsAt = dayStart(timeZone, addDays(day)).getTime();
    const e = entitlement;
    const endsAt = e ? periodEndsAt(timeZone, e.endDate).getTime() : 0;
    const today: UsageWindow = {
      window: 'day',
      started_at: iso(dayStart(timeZone, day).getTime()),
      resets_at: iso(resetsAt),
      request_count: counts.requests,
      total_tokens: counts.promptTokens + counts.completionTokens + counts.reservedTokens,
      cost: microsToDollars(counts.costMicros),
      ...limitView(e && windowLimits(e).day),
    };
    return {
      date: day,
      time_zone: timeZone,
      resets_at: iso(resetsAt),
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
      windows: e ? [today, ...rollingWindows(e, windows, iso)] : [today],
      package: e
        ? {
            id: e.packageId,
            name: e.packageName,
            start_date: e.startDate,
            end_date: e.endDate,
            ends_at: iso(endsAt),
            // Whole days of use left (a period bought today counts from now, not from midnight).
            days_left: Math.max(0, Math.floor((endsAt - now) / DAY_MS)),
          }
        : null,
    };
  };
}

export type TodayUsage = ReturnType<typeof createTodayUsage>;
