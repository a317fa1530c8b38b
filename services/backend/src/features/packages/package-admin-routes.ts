import { Router } from 'express';
import { z } from 'zod';
import type { AdminPackageView } from '../../contract/admin-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { idParam, int4, int8, parse, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import { MODEL_NAME } from '../models/model-admin-routes.js';
import { dollarAmount } from '../models/pricing.js';
import type { UserStore } from '../users/user-store.js';
import type { PackageAdminService } from './package-admin-service.js';
import { packageView } from './console-package-routes.js';
import type { Package, PackageStore } from './package-store.js';
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
}

/** /api/admin/packages and a user's packages: HTTP in front of the package admin service. */
export function createPackageAdminRoutes({ packages, userPackages, users, service }: Deps): Router {
  const router = Router();

  router.post('/packages', async (req, res) => {
    res.status(201).json(adminPackageView(await service.create(actorOf(res), parse(newPackage, req.body))));
  });

  router.get('/packages', async (_req, res) => {
    res.json((await packages.list()).map(adminPackageView));
  });

  router.patch('/packages/:id', async (req, res) => {
    const { on_sale, ...fields } = parse(packageChange, req.body);
    res.json(adminPackageView(await service.update(actorOf(res), idParam(req.params.id), fields, on_sale)));
  });

  router.post('/packages/:id/retire', async (req, res) => {
    res.json(adminPackageView(await service.retire(actorOf(res), idParam(req.params.id))));
  });

  router.post('/users/:id/packages', async (req, res) => {
    const { package_id } = parse(z.object({ package_id: int8().positive() }), req.body);
    res.status(201).json(await service.grant(actorOf(res), idParam(req.params.id), package_id));
  });

  router.get('/users/:id/packages', async (req, res) => {
    const userId = idParam(req.params.id);
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json(await userPackages.listForUser(userId));
  });

  return router;
}
