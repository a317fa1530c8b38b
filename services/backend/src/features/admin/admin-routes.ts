import { Router } from 'express';
import { z } from 'zod';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { idParam, instant, int4, int8, parse, text } from '../../infra/validation.js';
import type { KeyService } from '../keys/key-service.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import type { PackageStore } from '../packages/package-store.js';
import type { UserPackageStore } from '../packages/user-package-store.js';
import { businessDay } from '../quota/business-day.js';
import type { UserStore } from '../users/user-store.js';

// Each number is bounded by its column (integer or bigint, see the initial migration).
const packageSchema = z.object({
  name: text().trim().min(1).max(200),
  description: text().max(2000).default(''),
  daily_request_limit: int4().min(0).nullable(),
  daily_token_limit: int8().min(0).nullable(),
  rpm_limit: int4()
    .positive()
    .nullable()
    .optional()
    .transform((v) => v ?? null),
  duration_days: int4().positive().max(3660),
  price_cents: int8().min(0),
  // Stripe spells currencies in lower case, people in upper case: both are fine.
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as USD')
    .transform((c) => c.toUpperCase()),
});

interface Deps {
  users: UserStore;
  packages: PackageStore;
  userPackages: UserPackageStore;
  keys: KeyService;
  entitlements: EntitlementService;
  timeZone: string;
}

/** The admin API of the design: users, packages, granting, keys. */
export function createAdminRoutes({ users, packages, userPackages, keys, entitlements, timeZone }: Deps): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    const { email } = parse(z.object({ email: z.string().trim().toLowerCase().email().max(320) }), req.body);
    const user = await users.create(email);
    if (!user) throw new HttpError(409, 'A user with this email exists.', 'invalid_request_error', 'email_taken');
    res.status(201).json(user);
  });

  router.post('/packages', async (req, res) => {
    res.status(201).json(await packages.create(parse(packageSchema, req.body)));
  });

  router.get('/packages', async (_req, res) => {
    res.json(await packages.list());
  });

  router.post('/users/:id/packages', async (req, res) => {
    const userId = idParam(req.params.id);
    const { package_id } = parse(z.object({ package_id: int8().positive() }), req.body);
    const pkg = await packages.get(package_id);
    if (!pkg) throw new NotFoundError('No such package.', 'package_not_found');
    const period = await userPackages.grant(userId, pkg, businessDay(timeZone));
    if (!period) throw new NotFoundError('No such user.', 'user_not_found');
    await entitlements.invalidate(userId);
    res.status(201).json(period);
  });

  router.get('/users/:id/packages', async (req, res) => {
    const userId = idParam(req.params.id);
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json(await userPackages.listForUser(userId));
  });

  router.post('/users/:id/api-keys', async (req, res) => {
    const userId = idParam(req.params.id);
    const body = parse(z.object({ name: text().trim().max(200).default(''), expires_at: instant().optional() }), req.body ?? {});
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    const issued = await keys.issue(userId, body.name, body.expires_at ? new Date(body.expires_at) : null);
    res
      .status(201)
      .json({ id: issued.id, name: issued.name, key: issued.key, key_prefix: issued.key_prefix, expires_at: issued.expires_at, created_at: issued.created_at });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    if (!(await keys.revoke(idParam(req.params.id)))) throw new NotFoundError('No such API key.', 'api_key_not_found');
    res.status(204).end();
  });

  return router;
}
