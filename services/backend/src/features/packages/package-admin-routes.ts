import type { Router } from 'express';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { PackageAdminService } from './package-admin-service.js';
import { grantPackageRequest, newPackage, packageChange } from './package-schemas.js';
import { adminPackageView, withPeriodStatus } from './package-views.js';
import { businessDay } from '../../domain/business-day.js';
import type { PackageStore } from './package-store.js';
import type { UserPackageStore } from './user-package-store.js';

interface Deps {
  packages: Pick<PackageStore, 'list'>;
  userPackages: Pick<UserPackageStore, 'listForUser'>;
  userExists: (id: number) => Promise<boolean>;
  service: PackageAdminService;
  timeZone: string;
}

/** /api/admin/packages and a user's packages: HTTP in front of the package admin service. */
export function createPackageAdminRoutes({ packages, userPackages, userExists, service, timeZone }: Deps): Router {
  const router = createRouter();
  const manage = requires('packages.manage');
  const read = requires('packages.read');

  route(router, 'post', '/packages', { access: manage, summary: 'Create a package', body: newPackage, status: 201 }, async ({ body }, res) => {
    res.status(201).json(adminPackageView(await service.create(actorOf(res), body)));
  });

  route(router, 'get', '/packages', { access: read, summary: 'Every package' }, async (_in, res) => {
    res.json((await packages.list()).map(adminPackageView));
  });

  route(
    router,
    'patch',
    '/packages/:id',
    { access: manage, summary: 'Change a package (sold periods keep their terms)', params: idParams, body: packageChange },
    async ({ params, body }, res) => {
      const { on_sale, ...fields } = body;
      res.json(adminPackageView(await service.update(actorOf(res), params.id, fields, on_sale)));
    },
  );

  route(router, 'post', '/packages/:id/retire', { access: manage, summary: 'Retire a package from sale', params: idParams }, async ({ params }, res) => {
    res.json(adminPackageView(await service.retire(actorOf(res), params.id)));
  });

  route(
    router,
    'post',
    '/users/:id/packages',
    { access: requires('packages.grant'), summary: 'Grant a user a package', params: idParams, body: grantPackageRequest, status: 201 },
    async ({ params, body }, res) => {
      res.status(201).json(withPeriodStatus(await service.grant(actorOf(res), params.id, body.package_id), businessDay(timeZone)));
    },
  );

  route(router, 'get', '/users/:id/packages', { access: read, summary: "A user's current and queued periods", params: idParams }, async ({ params }, res) => {
    if (!(await userExists(params.id))) throw new NotFoundError('No such user.', 'user_not_found');
    const today = businessDay(timeZone);
    res.json((await userPackages.listForUser(params.id)).map((p) => withPeriodStatus(p, today)));
  });

  return router;
}
