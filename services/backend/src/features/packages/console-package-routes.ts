import type { Router } from 'express';
import type { CatalogAnswer, MyPackagesAnswer, PackageView, PeriodView, PlanLimits } from '../../contract/console-api.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { PaymentProvider } from '../payments/providers/payment-provider.js';
import { microsToDollarsOrNull } from '../../domain/money.js';
import { businessDay } from '../../domain/business-day.js';
import type { Package, PackageStore } from './package-store.js';
import { periodStatus } from './period-status.js';
import type { PeriodDetail, UserPackageStore } from './user-package-store.js';

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

interface Deps {
  packages: Pick<PackageStore, 'listOnSale'>;
  userPackages: Pick<UserPackageStore, 'listDetailed' | 'nextStart'>;
  providers: Map<string, PaymentProvider>;
  timeZone: string;
}

/** /api/console/packages (mine: current, queued, history) and /api/console/catalog (on sale). */
export function createConsolePackageRoutes({ packages, userPackages, providers, timeZone }: Deps): Router {
  const router = createRouter();

  route(router, 'get', '/packages', { access: SIGNED_IN, summary: 'My packages: current, queued and history' }, async (_in, res) => {
    const { account } = requireCaller(res);
    const today = businessDay(timeZone);
    const answer: MyPackagesAnswer = { current: null, queued: [], history: [] };
    for (const period of (await userPackages.listDetailed(account.id)).map((p) => periodView(p, today))) {
      if (period.status === 'active' && !answer.current) answer.current = period;
      // (A second period in effect today, which grants never make, is listed with the queued ones.)
      else if (period.status === 'queued' || period.status === 'active') answer.queued.push(period);
      else answer.history.unshift(period);
    }
    res.json(answer);
  });

  route(
    router,
    'get',
    '/catalog',
    { access: SIGNED_IN, summary: 'The packages on sale, the payment providers, and the day a package bought now starts' },
    async (_in, res) => {
      const { account } = requireCaller(res);
      const today = businessDay(timeZone);
      const [onSale, startsOn] = await Promise.all([packages.listOnSale(), userPackages.nextStart(account.id, today)]);
      res.json({
        packages: onSale.map(packageView),
        providers: [...providers.values()].map((p) => ({ name: p.name, currencies: p.currencies ? [...p.currencies] : null })),
        starts_on: startsOn,
        starts_today: startsOn === today,
      } satisfies CatalogAnswer);
    },
  );

  return router;
}
