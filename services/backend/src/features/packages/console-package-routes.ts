import type { Router } from 'express';
import type { CatalogAnswer, MyPackagesAnswer } from '../../contract/console-api.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import { businessDay } from '../../domain/business-day.js';
import type { PackageStore } from './package-store.js';
import { arrangePeriods } from './period-status.js';
import { packageView, periodView } from './package-views.js';
import type { UserPackageStore } from './user-package-store.js';

interface Deps {
  packages: Pick<PackageStore, 'listOnSale'>;
  userPackages: Pick<UserPackageStore, 'listDetailed' | 'nextStart'>;
  /** The payment providers configured (the payments feature's), by name. */
  providers: ReadonlyMap<string, { name: string; currencies?: readonly string[] }>;
  timeZone: string;
}

/** /api/console/packages (mine: current, queued, history) and /api/console/catalog (on sale). */
export function createConsolePackageRoutes({ packages, userPackages, providers, timeZone }: Deps): Router {
  const router = createRouter();

  route(router, 'get', '/packages', { access: SIGNED_IN, summary: 'My packages: current, queued and history' }, async (_in, res) => {
    const { account } = requireCaller(res);
    const today = businessDay(timeZone);
    const periods = (await userPackages.listDetailed(account.id)).map((p) => periodView(p, today));
    res.json(arrangePeriods(periods) satisfies MyPackagesAnswer);
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
