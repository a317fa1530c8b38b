import type { Entitlement } from '../../domain/entitlement.js';

/** The windows a plan limits requests, tokens and credits over. */
export type LimitWindow = 'day' | 'five_hour' | 'week';
export type RollingWindow = Exclude<LimitWindow, 'day'>;

/** The 5-hour and weekly windows: each begins with the first request after the last one ended. */
export const ROLLING_WINDOWS: ReadonlyArray<{ window: RollingWindow; lengthMs: number }> = [
  { window: 'five_hour', lengthMs: 5 * 3600_000 },
  { window: 'week', lengthMs: 7 * 24 * 3600_000 },
];

/** What a plan limits in each window, in the order a refusal names the first one reached. */
export const LIMIT_UNITS = ['requests', 'tokens', 'credits'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** One window's limits (null: none); credits in micro-dollars. */
export type WindowLimits = Record<LimitUnit, number | null>;

/** Each window's limits in a period's terms: the one place that reads them off an entitlement. */
export function windowLimits(e: Entitlement): Record<LimitWindow, WindowLimits> {
  return {
    day: { requests: e.dailyRequestLimit, tokens: e.dailyTokenLimit, credits: e.dailyCreditLimit },
    five_hour: { requests: e.fiveHourRequestLimit, tokens: e.fiveHourTokenLimit, credits: e.fiveHourCreditLimit },
    week: { requests: e.weeklyRequestLimit, tokens: e.weeklyTokenLimit, credits: e.weeklyCreditLimit },
  };
}

/** Whether the plan limits this window at all (an unlimited window is not tracked). */
export const isLimited = (l: WindowLimits) => l.requests !== null || l.tokens !== null || l.credits !== null;
