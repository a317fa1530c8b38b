import type { PeriodStatus } from '../../contract/console-api.js';
import type { PackagePeriod } from './user-package-store.js';

/**
 * What a period is on the business day `today`: a stored `active` period is `queued` before
 * its first day and `ended` after its last; `cancelled` and `refunded` stay what they are.
 * Every answer that shows a period (console, customer and admin APIs) says it this way.
 */
export function periodStatus(p: Pick<PackagePeriod, 'status' | 'start_date' | 'end_date'>, today: string): PeriodStatus {
  if (p.status !== 'active') return p.status;
  if (p.start_date > today) return 'queued';
  if (p.end_date < today) return 'ended';
  return 'active';
}

/** The period with its status as of `today` (the other fields as they are). */
export function withPeriodStatus(p: PackagePeriod, today: string): Omit<PackagePeriod, 'status'> & { status: PeriodStatus } {
  return { ...p, status: periodStatus(p, today) };
}
