import type { AdminPackageView } from '../../contract/admin-api.js';
import type { PackageView, PeriodStatus, PeriodView, PlanLimits } from '../../contract/console-api.js';
import { microsToDollarsOrNull } from '../../domain/money.js';
import { isGrantOnly, type Package, planTerms } from './package-store.js';
import { periodStatus } from './period-status.js';
import type { PackagePeriod, PeriodDetail } from './user-package-store.js';

/** A package's or a period's plan terms; credits in US dollars. */
export function planView(p: Pick<Package, keyof PlanLimits>): PlanLimits {
  return {
    daily_credit_limit: microsToDollarsOrNull(p.daily_credit_limit),
    five_hour_request_limit: p.five_hour_request_limit,
    five_hour_token_limit: p.five_hour_token_limit,
    five_hour_credit_limit: microsToDollarsOrNull(p.five_hour_credit_limit),
    weekly_request_limit: p.weekly_request_limit,
    weekly_token_limit: p.weekly_token_limit,
    weekly_credit_limit: microsToDollarsOrNull(p.weekly_credit_limit),
    max_concurrent_streams: p.max_concurrent_streams,
    models: p.models,
  };
}

/** A period as its owner (and staff) see it, with its status on the business day `today`. */
export function periodView(p: PeriodDetail, today: string): PeriodView {
  return {
    id: p.id,
    package_id: p.package_id,
    package_name: p.package_name,
    status: periodStatus(p, today),
    start_date: p.start_date,
    end_date: p.end_date,
    daily_request_limit: p.daily_request_limit,
    daily_token_limit: p.daily_token_limit,
    rpm_limit: p.rpm_limit,
    ...planView(p),
    source: p.order_no ? 'order' : p.redeemed ? 'redemption' : 'grant',
    order_no: p.order_no,
  };
}

/** A period a code just granted, with the terms it copied from its package (the console's answer to redeeming). */
export function redeemedPeriodView(period: PackagePeriod, pkg: Package, today: string): PeriodView {
  const { daily_request_limit, daily_token_limit, rpm_limit } = pkg;
  const detail = { ...period, package_name: pkg.name, daily_request_limit, daily_token_limit, rpm_limit, ...planTerms(pkg) };
  return periodView({ ...detail, order_no: null, redeemed: true }, today);
}

/** The period's stored fields with its status as of `today` (the admin and customer APIs' answer to a grant). */
export function withPeriodStatus(p: PackagePeriod, today: string): Omit<PackagePeriod, 'status'> & { status: PeriodStatus } {
  return { ...p, status: periodStatus(p, today) };
}

export function packageView(p: Package): PackageView {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    daily_request_limit: p.daily_request_limit,
    daily_token_limit: p.daily_token_limit,
    rpm_limit: p.rpm_limit,
    ...planView(p),
    duration_days: p.duration_days,
    price_cents: p.price_cents,
    currency: p.currency,
  };
}

/** A package as staff see it: what customers see, and whether it is on sale. */
export function adminPackageView(p: Package): AdminPackageView {
  return { ...packageView(p), status: p.status, grant_only: isGrantOnly(p), created_at: p.created_at.toISOString() };
}
