import type { Router } from 'express';
import { z } from 'zod';
import type { AdminPackageView } from '../../contract/admin-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { idParams, int4, int8, text } from '../../infra/validation.js';
import { actorOf, requires } from '../admin/admin-auth.js';
import { MODEL_NAME } from '../models/model-admin-routes.js';
import { dollarAmount } from '../models/pricing.js';
import type { UserStore } from '../users/user-store.js';
import type { PackageAdminService } from './package-admin-service.js';
import { packageView } from './console-package-routes.js';
import { businessDay } from '../quota/business-day.js';
import type { Package, PackageStore } from './package-store.js';
import { withPeriodStatus } from './period-status.js';
import type { UserPackageStore } from './user-package-store.js';

// Credits arrive in US dollars (six decimals at most) and are kept in micro-dollars; a billion dollars fits a bigint exactly.
const credits = dollarAmount(1_000_000_000).nullable();
// Each number is bounded by its column (integer or bigint, see the initial migration).
const terms = {
  name: text().trim().min(1).max(200),
  description: text().max(2000),
  daily_request_limit: int4().min(0).nullable(),
  daily_token_limit: int8().min(0).nullable(),
  rpm_limit: int4().positive().nullable(),
  daily_credit_limit: credits,
  five_hour_request_limit: int4().min(0).nullable(),
  five_hour_token_limit: int8().min(0).nullable(),
  five_hour_credit_limit: credits,
  weekly_request_limit: int4().min(0).nullable(),
  weekly_token_limit: int8().min(0).nullable(),
  weekly_credit_limit: credits,
  max_concurrent_streams: int4().positive().nullable(),
  // Catalogue names, or `prefix*` families; empty = every model.
  models: z
    .array(z.string().regex(MODEL_NAME, 'a model name, or a family ending in *'))
    .max(500)
    .transform((names) => [...new Set(names)]),
  duration_days: int4().positive().max(3660),
  price_cents: int8().min(0),
  // Stripe spells currencies in lower case, people in upper case: both are fine.
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as USD')
    .transform((c) => c.toUpperCase()),
};
/** Optional on creation: absent means no limit (no model list: every model). */
const orNone = <T extends z.ZodType>(schema: T) => schema.optional().transform((v) => v ?? null);
const newPackage = z.object({
  ...terms,
  description: terms.description.default(''),
  rpm_limit: orNone(terms.rpm_limit),
  daily_credit_limit: orNone(terms.daily_credit_limit),
  five_hour_request_limit: orNone(terms.five_hour_request_limit),
  five_hour_token_limit: orNone(terms.five_hour_token_limit),
  five_hour_credit_limit: orNone(terms.five_hour_credit_limit),
  weekly_request_limit: orNone(terms.weekly_request_limit),
  weekly_token_limit: orNone(terms.weekly_token_limit),
  weekly_credit_limit: orNone(terms.weekly_credit_limit),
  max_concurrent_streams: orNone(terms.max_concurrent_streams),
  models: terms.models.default([]),
});
const packageChange = z
  .object({ ...terms, on_sale: z.boolean() })
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'name at least one field to change');

/** A package as staff see it: what customers see, and whether it is on sale. */
export function adminPackageView(p: Package): AdminPackageView {
  return { ...packageView(p), status: p.status, created_at: p.created_at.toISOString() };
}

interface Deps {
  packages: Pick<PackageStore, 'list'>;
  userPackages: Pick<UserPackageStore, 'listForUser'>;
  users: Pick<UserStore, 'exists'>;
  service: PackageAdminService;
  timeZone: string;
}

/** /api/admin/packages and a user's packages: HTTP in front of the package admin service. */
const grantRequest = z.object({ package_id: int8().positive() });

export function createPackageAdminRoutes({ packages, userPackages, users, service, timeZone }: Deps): Router {
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
    { access: requires('packages.grant'), summary: 'Grant a user a package', params: idParams, body: grantRequest, status: 201 },
    async ({ params, body }, res) => {
      res.status(201).json(withPeriodStatus(await service.grant(actorOf(res), params.id, body.package_id), businessDay(timeZone)));
    },
  );

  route(router, 'get', '/users/:id/packages', { access: read, summary: "A user's current and queued periods", params: idParams }, async ({ params }, res) => {
    if (!(await users.exists(params.id))) throw new NotFoundError('No such user.', 'user_not_found');
    const today = businessDay(timeZone);
    res.json((await userPackages.listForUser(params.id)).map((p) => withPeriodStatus(p, today)));
  });

  return router;
}
