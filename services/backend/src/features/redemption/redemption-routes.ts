import express, { Router } from 'express';
import { z } from 'zod';
import { redeemRequest, type RedeemAnswer } from '../../contract/console-api.js';
import { int8, parse, queryInt, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import { requireCaller } from '../accounts/session-auth.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import { periodView } from '../packages/console-package-routes.js';
import { planTerms } from '../packages/package-store.js';
import type { RedemptionService } from './redemption-service.js';
import type { CodeRow, RedemptionStore } from './redemption-store.js';

const listQuery = z.object({
  batch: z.string().max(100).optional(),
  status: z.enum(['unused', 'redeemed', 'void']).optional(),
  package_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 1000).default(100),
});

const codeView = (c: CodeRow) => ({
  code: c.code,
  package_id: c.package_id,
  batch_name: c.batch_name,
  status: c.status,
  created_at: c.created_at.toISOString(),
  redeemed_by: c.redeemed_by,
  redeemed_by_email: c.redeemed_by_email,
  redeemed_at: c.redeemed_at?.toISOString() ?? null,
});

/** Redemption codes for staff: named batches, the list with who redeemed each (JSON or CSV), voiding the unused. */
export function createAdminRedemptionRoutes({ codes, redemption }: { codes: Pick<RedemptionStore, 'list'>; redemption: RedemptionService }): Router {
  const router = Router();
  router.post('/redemption-codes', async (req, res) => {
    const body = parse(
      z.object({ package_id: int8().positive(), count: z.number().int().min(1).max(1000), batch_name: text().trim().max(100).default('') }),
      req.body,
    );
    const created = await redemption.createBatch(actorOf(res), body.package_id, body.count, body.batch_name);
    res.status(201).json({ package_id: body.package_id, batch_name: body.batch_name, codes: created });
  });

  router.get('/redemption-codes', async (req, res) => {
    const q = parse(listQuery, req.query);
    const rows = await codes.list({ batchName: q.batch, status: q.status, packageId: q.package_id, beforeId: q.before, limit: q.limit });
    res.json({ data: rows.map(codeView), next_before: rows.length === q.limit ? rows[rows.length - 1]!.id : null });
  });

  router.get('/redemption-codes.csv', async (req, res) => {
    const q = parse(listQuery.omit({ before: true, limit: true }), req.query);
    const rows = await codes.list({ batchName: q.batch, status: q.status, packageId: q.package_id, limit: 100_000 });
    const cell = (v: string | number | null) => (v === null ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v));
    res.set({ 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="redemption-codes.csv"' });
    res.send(
      `${[
        'code,package_id,batch_name,status,created_at,redeemed_by_email,redeemed_at',
        ...rows.map((c) => {
          const v = codeView(c);
          return [v.code, v.package_id, v.batch_name, v.status, v.created_at, v.redeemed_by_email, v.redeemed_at].map(cell).join(',');
        }),
      ].join('\r\n')}\r\n`,
    );
  });

  router.post('/redemption-codes/void', async (req, res) => {
    const body = parse(
      z.union([z.object({ batch_name: text().trim().min(1).max(100) }), z.object({ codes: z.array(text().trim().toUpperCase().max(64)).min(1).max(1000) })]),
      req.body,
    );
    const target = 'batch_name' in body ? { batchName: body.batch_name } : { codes: body.codes };
    const voided = await redemption.voidUnused(actorOf(res), target);
    res.json({ voided: voided.length, codes: voided });
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
        ...planTerms(pkg),
        order_no: null,
        redeemed: true,
      }) satisfies RedeemAnswer,
    );
  });
  return router;
}
