import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { idParam, int4, int8, parse, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import type { UserStore } from '../users/user-store.js';
import type { PackageAdminService } from './package-admin-service.js';
import type { PackageStore } from './package-store.js';
import type { UserPackageStore } from './user-package-store.js';

// Each number is bounded by its column (integer or bigint, see the initial migration).
const terms = {
  name: text().trim().min(1).max(200),
  description: text().max(2000),
  daily_request_limit: int4().min(0).nullable(),
  daily_token_limit: int8().min(0).nullable(),
  rpm_limit: int4().positive().nullable(),
  duration_days: int4().positive().max(3660),
  price_cents: int8().min(0),
  // Stripe spells currencies in lower case, people in upper case: both are fine.
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as USD')
    .transform((c) => c.toUpperCase()),
};
const newPackage = z.object({
  ...terms,
  description: terms.description.default(''),
  rpm_limit: terms.rpm_limit.optional().transform((v) => v ?? null),
});
const packageChange = z
  .object({ ...terms, on_sale: z.boolean() })
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'name at least one field to change');

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
    res.status(201).json(await service.create(actorOf(res), parse(newPackage, req.body)));
  });

  router.get('/packages', async (_req, res) => {
    res.json(await packages.list());
  });

  router.patch('/packages/:id', async (req, res) => {
    const { on_sale, ...fields } = parse(packageChange, req.body);
    res.json(await service.update(actorOf(res), idParam(req.params.id), fields, on_sale));
  });

  router.post('/packages/:id/retire', async (req, res) => {
    res.json(await service.retire(actorOf(res), idParam(req.params.id)));
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
