import express, { Router } from 'express';
import { z } from 'zod';
import { redeemRequest, type RedeemAnswer } from '../../contract/console-api.js';
import { NotFoundError } from '../../infra/errors.js';
import { int8, parse, text } from '../../infra/validation.js';
import { requireCaller } from '../accounts/session-auth.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import { periodView } from '../packages/console-package-routes.js';
import type { PackageStore } from '../packages/package-store.js';
import type { RedemptionService } from './redemption-service.js';
import type { RedemptionStore } from './redemption-store.js';

/** POST /api/admin/redemption-codes {package_id, count}: a batch of single-use codes. */
export function createAdminRedemptionRoutes({ codes, packages }: { codes: RedemptionStore; packages: Pick<PackageStore, 'get'> }): Router {
  const router = Router();
  router.post('/redemption-codes', async (req, res) => {
    const body = parse(z.object({ package_id: int8().positive(), count: z.number().int().min(1).max(1000) }), req.body);
    if (!(await packages.get(body.package_id))) throw new NotFoundError('No such package.', 'package_not_found');
    res.status(201).json({ package_id: body.package_id, codes: await codes.createBatch(body.package_id, body.count) });
  });
  return router;
}

/** POST /api/v1/redeem {code}: the code's package, queued after any current one; once. */
export function createRedeemRoutes({ redemption }: { redemption: RedemptionService }): Router {
  const router = Router();
  router.post('/redeem', express.json({ limit: '16kb' }), async (req, res) => {
    const { userId } = res.locals.auth as ApiKeyAuth;
    const { code } = parse(z.object({ code: text().trim().toUpperCase().min(4).max(64) }), req.body);
    const { period } = await redemption.redeem(userId, code);
    res.status(201).json({ object: 'redemption', ...period });
  });
  return router;
}

/** POST /api/console/redeem {code}: the same, for the signed-in person; answers the period with its package. */
export function createConsoleRedeemRoutes({ redemption }: { redemption: RedemptionService }): Router {
  const router = Router();
  router.post('/redeem', async (req, res) => {
    const { account } = requireCaller(res);
    const { code } = parse(redeemRequest, req.body);
    const { period, pkg } = await redemption.redeem(account.id, code);
    res.status(201).json(
      periodView({
        ...period,
        package_name: pkg.name,
        daily_request_limit: pkg.daily_request_limit,
        daily_token_limit: pkg.daily_token_limit,
        rpm_limit: pkg.rpm_limit,
        order_no: null,
        redeemed: true,
      }) satisfies RedeemAnswer,
    );
  });
  return router;
}
