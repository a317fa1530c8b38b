import express, { Router } from 'express';
import { z } from 'zod';
import { withTransaction, type Pools } from '../../infra/db.js';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { int8, parse, text } from '../../infra/validation.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import type { PackageStore } from '../packages/package-store.js';
import type { UserPackageStore } from '../packages/user-package-store.js';
import { businessDay } from '../quota/business-day.js';
import type { RedemptionStore } from './redemption-store.js';

interface Deps {
  pools: Pools;
  codes: RedemptionStore;
  packages: PackageStore;
  userPackages: UserPackageStore;
  entitlements: EntitlementService;
  timeZone: string;
}

/** POST /api/admin/redemption-codes {package_id, count}: a batch of single-use codes. */
export function createAdminRedemptionRoutes({ codes, packages }: Pick<Deps, 'codes' | 'packages'>): Router {
  const router = Router();
  router.post('/redemption-codes', async (req, res) => {
    const body = parse(z.object({ package_id: int8().positive(), count: z.number().int().min(1).max(1000) }), req.body);
    if (!(await packages.get(body.package_id))) throw new NotFoundError('No such package.', 'package_not_found');
    res.status(201).json({ package_id: body.package_id, codes: await codes.createBatch(body.package_id, body.count) });
  });
  return router;
}

/** POST /api/v1/redeem {code}: the code's package, queued after any current one; once. */
export function createRedeemRoutes({ pools, codes, packages, userPackages, entitlements, timeZone }: Deps): Router {
  const router = Router();
  router.post('/redeem', express.json({ limit: '16kb' }), async (req, res) => {
    const { userId } = res.locals.auth as ApiKeyAuth;
    const { code } = parse(z.object({ code: text().trim().toUpperCase().min(4).max(64) }), req.body);
    const period = await withTransaction(pools.primary, async (tx) => {
      const taken = await codes.take(tx, code, userId);
      if (taken === undefined) throw new NotFoundError('No such redemption code.', 'code_not_found');
      if (taken === 'used') throw new HttpError(409, 'This code has already been redeemed.', 'invalid_request_error', 'code_already_redeemed');
      const pkg = await packages.get(taken.package_id);
      if (!pkg) throw new NotFoundError('The package of this code no longer exists.', 'package_not_found');
      const granted = await userPackages.grant(userId, pkg, businessDay(timeZone), null, tx);
      await codes.linkPeriod(tx, taken.id, granted!.id);
      return granted!;
    });
    await entitlements.invalidate(userId);
    res.status(201).json({ object: 'redemption', ...period });
  });
  return router;
}
