/**
 * What a customer may use right now: the package period in effect, joined with its
 * package's limits. The packages feature finds it; quota, usage, notices and the relay
 * check requests and show usage against it.
 */
export interface Entitlement {
  userPackageId: number;
  packageId: number;
  packageName: string;
  startDate: string;
  endDate: string;
  dailyRequestLimit: number | null;
  dailyTokenLimit: number | null;
  rpmLimit: number | null;
  /** Micro-dollars. */
  dailyCreditLimit: number | null;
  fiveHourRequestLimit: number | null;
  fiveHourTokenLimit: number | null;
  fiveHourCreditLimit: number | null;
  weeklyRequestLimit: number | null;
  weeklyTokenLimit: number | null;
  weeklyCreditLimit: number | null;
  maxConcurrentStreams: number | null;
  /** Models the period may use; empty = any. */
  models: string[];
}

/** Whether a period whose last day is `endDate` is over on `today` (a new one then starts today, not after it). */
export const hasEnded = (endDate: string, today: string): boolean => endDate < today;

/**
 * Where a period stands on the business day `today`, by its first and last day (YYYY-MM-DD,
 * both inclusive): not begun yet, in effect, or over. The one rule for the entitlement a
 * request is checked against, the status every answer shows a period with, and the day a
 * new period starts on.
 */
export function periodPhase(startDate: string, endDate: string, today: string): 'queued' | 'active' | 'ended' {
  if (startDate > today) return 'queued';
  return hasEnded(endDate, today) ? 'ended' : 'active';
}

/** The entitlement in effect on `today` among a user's periods, earliest first: the first whose days cover it. */
export function entitlementOn(periods: readonly Entitlement[], today: string): Entitlement | undefined {
  return periods.find((p) => periodPhase(p.startDate, p.endDate, today) === 'active');
}
