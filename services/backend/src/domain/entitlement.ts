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
