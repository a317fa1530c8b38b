import express, { type Router } from 'express';
import { redeemRequest, type RedeemAnswer } from '../../contract/console-api.js';
import { createRouter, route, type Access } from '../../infra/routes.js';
import { actorMay, actorOf, requires } from '../../infra/staff-access.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import { keyCaller } from '../keys/api-key-auth.js';
import { redeemedPeriodView, withPeriodStatus } from '../packages/package-views.js';
import { businessDay } from '../../domain/business-day.js';
import { codeCsvQuery, codeListQuery, newCodesRequest, voidCodesRequest } from './redemption-schemas.js';
import type { RedemptionService } from './redemption-service.js';
import type { RedemptionStore } from './redemption-store.js';
import { codesCsv, codeView } from './redemption-views.js';

/** Redemption codes for staff: named batches, the list with who redeemed each (JSON or CSV), voiding the unused. */
export function createAdminRedemptionRoutes({ codes, redemption }: { codes: Pick<RedemptionStore, 'list'>; redemption: RedemptionService }): Router {
  const router = createRouter();
  const manage = requires('codes.manage');
  const read = requires('codes.read');

  route(
    router,
    'post',
    '/redemption-codes',
    { access: manage, summary: 'Make a batch of redemption codes', body: newCodesRequest, status: 201 },
    async ({ body }, res) => {
      const created = await redemption.createBatch(actorOf(res), body.package_id, body.count, body.batch_name);
      res.status(201).json({ package_id: body.package_id, batch_name: body.batch_name, codes: created });
    },
  );

  route(router, 'get', '/redemption-codes', { access: read, summary: 'Redemption codes, newest first', query: codeListQuery }, async ({ query: q }, res) => {
    const rows = await codes.list({ batchName: q.batch, status: q.status, packageId: q.package_id, beforeId: q.before, limit: q.limit });
    const reveal = actorMay(res, 'codes.reveal');
    res.json({ data: rows.map((c) => codeView(c, reveal)), next_before: rows.length === q.limit ? rows[rows.length - 1]!.id : null });
  });

  route(
    router,
    'get',
    '/redemption-codes.csv',
    { access: read, summary: 'Redemption codes as CSV', query: codeCsvQuery, produces: 'text/csv' },
    async ({ query: q }, res) => {
      const reveal = actorMay(res, 'codes.reveal');
      const rows = await codes.list({ batchName: q.batch, status: q.status, packageId: q.package_id, limit: 100_000 });
      res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="redemption-codes.csv"' });
      res.send(codesCsv(rows, reveal));
    },
  );

  route(
    router,
    'post',
    '/redemption-codes/void',
    { access: manage, summary: 'Void unused codes, by batch or by code', body: voidCodesRequest },
    async ({ body }, res) => {
      const target = 'batch_name' in body ? { batchName: body.batch_name } : { codes: body.codes };
      const voided = await redemption.voidUnused(actorOf(res), target);
      res.json({ voided: voided.length, codes: voided });
    },
  );
  return router;
}

/** POST /api/v1/redeem {code}: the code's package, queued after any current one; once. */
export function createRedeemRoutes({ redemption, access, timeZone }: { redemption: RedemptionService; access: Access; timeZone: string }): Router {
  const router = createRouter();
  const middleware = [express.json({ limit: '16kb' })];
  route(
    router,
    'post',
    '/redeem',
    { access, summary: 'Redeem a code for its package', body: redeemRequest, middleware, status: 201 },
    async ({ body }, res) => {
      const { userId } = keyCaller(res);
      const { code } = body;
      const { period } = await redemption.redeem(userId, code);
      res.status(201).json({ object: 'redemption', ...withPeriodStatus(period, businessDay(timeZone)) });
    },
  );
  return router;
}

/** POST /api/console/redeem {code}: the same, for the signed-in person; answers the period with its package. */
export function createConsoleRedeemRoutes({ redemption, timeZone }: { redemption: RedemptionService; timeZone: string }): Router {
  const router = createRouter();
  route(router, 'post', '/redeem', { access: SIGNED_IN, summary: 'Redeem a code for its package', body: redeemRequest, status: 201 }, async ({ body }, res) => {
    const { account } = requireCaller(res);
    const { code } = body;
    const { period, pkg } = await redemption.redeem(account.id, code);
    res.status(201).json(redeemedPeriodView(period, pkg, businessDay(timeZone)) satisfies RedeemAnswer);
  });
  return router;
}
