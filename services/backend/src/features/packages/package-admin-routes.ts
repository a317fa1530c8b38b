import { Router } from 'express';
import { z } from 'zod';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { idParam, int4, int8, parse, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { UserStore } from '../users/user-store.js';
import type { GrantService } from './grant-service.js';
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

const notFound = () => new NotFoundError('No such package.', 'package_not_found');

interface Deps {
  packages: PackageStore;
  userPackages: Pick<UserPackageStore, 'listForUser'>;
  users: Pick<UserStore, 'exists'>;
  grants: GrantService;
  change: AuditedChange;
}

/**
 * Packages for staff: create, list, edit (what is sold from now on: periods already sold
 * keep the terms they copied), take off sale or retire, and grant to a user. Every change
 * is audited in its transaction.
 */
export function createPackageAdminRoutes({ packages, userPackages, users, grants, change }: Deps): Router {
  const router = Router();

  router.post('/packages', async (req, res) => {
    const input = parse(newPackage, req.body);
    const created = await change(actorOf(res), async (tx) => {
      const pkg = await packages.create(input, tx);
      return { entry: { action: 'package.create', targetType: 'package', targetId: pkg.id, after: pkg }, result: pkg };
    });
    res.status(201).json(created);
  });

  router.get('/packages', async (_req, res) => {
    res.json(await packages.list());
  });

  router.patch('/packages/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const { on_sale, ...fields } = parse(packageChange, req.body);
    const updated = await change(actorOf(res), async (tx) => {
      const before = await packages.lock(tx, id);
      if (!before) throw notFound();
      const after = await packages.update(tx, id, { ...fields, ...(on_sale === undefined ? {} : { status: on_sale ? 'active' : 'archived' }) });
      return { entry: { action: 'package.update', targetType: 'package', targetId: id, before, after }, result: after! };
    });
    res.json(updated);
  });

  /** Off sale for good: no new orders or grants; periods already sold run to their end. */
  router.post('/packages/:id/retire', async (req, res) => {
    const id = idParam(req.params.id);
    const retired = await change(actorOf(res), async (tx) => {
      const before = await packages.lock(tx, id);
      if (!before) throw notFound();
      const after = await packages.update(tx, id, { status: 'archived' });
      return {
        entry: { action: 'package.retire', targetType: 'package', targetId: id, before: { status: before.status }, after: { status: 'archived' } },
        result: after!,
      };
    });
    res.json(retired);
  });

  router.post('/users/:id/packages', async (req, res) => {
    const userId = idParam(req.params.id);
    const { package_id } = parse(z.object({ package_id: int8().positive() }), req.body);
    const period = await change(actorOf(res), async (tx) => {
      const pkg = await packages.lock(tx, package_id);
      if (!pkg) throw notFound();
      if (pkg.status !== 'active') throw new HttpError(409, 'This package is retired; it cannot be granted.', 'invalid_request_error', 'package_retired');
      const granted = await grants.grantWithin(tx, userId, pkg.id);
      if (!granted) throw new NotFoundError('No such user.', 'user_not_found');
      return { entry: { action: 'package.grant', targetType: 'user', targetId: userId, after: granted }, result: granted };
    });
    await grants.announce(userId);
    res.status(201).json(period);
  });

  router.get('/users/:id/packages', async (req, res) => {
    const userId = idParam(req.params.id);
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json(await userPackages.listForUser(userId));
  });

  return router;
}
