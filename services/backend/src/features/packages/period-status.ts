import type { PeriodStatus } from '../../contract/console-api.js';
import { periodPhase } from '../../domain/entitlement.js';
import type { PackagePeriod } from './user-package-store.js';

/**
 * What a period is on the business day `today`: a stored `active` period is `queued` before
 * its first day and `ended` after its last (domain/entitlement.ts `periodPhase`); `cancelled`
 * and `refunded` stay what they are. Every answer that shows a period (console, customer and
 * admin APIs) says it this way.
 */
export function periodStatus(p: Pick<PackagePeriod, 'status' | 'start_date' | 'end_date'>, today: string): PeriodStatus {
  return p.status === 'active' ? periodPhase(p.start_date, p.end_date, today) : p.status;
}

/**
 * A person's periods (oldest first, each with its status) as the console lists them: the one in
 * effect, those still to come, and the rest newest first. A second period in effect today, which
 * grants never make, is listed with the queued ones.
 */
export function arrangePeriods<T extends { status: PeriodStatus }>(periods: readonly T[]): { current: T | null; queued: T[]; history: T[] } {
  const arranged: { current: T | null; queued: T[]; history: T[] } = { current: null, queued: [], history: [] };
  for (const period of periods) {
    if (period.status === 'active' && !arranged.current) arranged.current = period;
    else if (period.status === 'queued' || period.status === 'active') arranged.queued.push(period);
    else arranged.history.unshift(period);
  }
  return arranged;
}
