export type { DailyUsageAnswer, DailyUsageRow, ModelUsageAnswer, ModelUsageRow, TodayUsage, UsageWindow } from '@codex-gateway/backend/console-api';

/** A calendar range of business days, both ends included (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}
