import { addDays } from '../../domain/business-day.js';
import { hasEnded } from '../../domain/entitlement.js';

/** A period's first and last business day (YYYY-MM-DD, both inclusive). */
export interface PeriodDates {
  start_date: string;
  end_date: string;
}

/**
 * When a new period of a `durationDays` package runs: the one rule for grants, redemptions,
 * payments and "starts on" before paying.
 *
 * - Queued: the user's last active period ends on `lastEndDate` (today or later), so the new
 *   one begins at the midnight after it and runs exactly `durationDays` business days.
 * - Otherwise it begins now, partway through `today`. So that the rest of the buying day is
 *   not counted as a whole day, it ends `durationDays` days after today (inclusive): a 30-day
 *   package bought at 23:00 still gives 30 full days (30 × 24 h) of use, plus the hour left.
 */
export function periodDates(today: string, lastEndDate: string | null, durationDays: number): PeriodDates {
  if (lastEndDate !== null && !hasEnded(lastEndDate, today)) {
    const start = addDays(lastEndDate);
    return { start_date: start, end_date: addDays(start, durationDays - 1) };
  }
  return { start_date: today, end_date: addDays(today, durationDays) };
}
