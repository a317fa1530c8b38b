import { Router } from 'express';
import { z } from 'zod';
import { instant, parse, queryInt } from '../../infra/validation.js';
import { type AuditStore, auditView } from './audit-store.js';

const query = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(100).optional(),
  target_type: z.string().max(50).optional(),
  target_id: z.string().max(100).optional(),
  from: instant().optional(),
  to: instant().optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 500).default(100),
});

/** GET /api/admin/audit-log?actor&action&target_type&target_id&from&to&before&limit: newest first; `next_before` pages on. */
export function createAuditRoutes({ audit }: { audit: Pick<AuditStore, 'list'> }): Router {
  const router = Router();
  router.get('/audit-log', async (req, res) => {
    const q = parse(query, req.query);
    const rows = await audit.list({
      actor: q.actor,
      action: q.action,
      targetType: q.target_type,
      targetId: q.target_id,
      from: q.from,
      to: q.to,
      beforeId: q.before,
      limit: q.limit,
    });
    res.json({ data: rows.map(auditView), next_before: rows.length === q.limit ? rows[rows.length - 1]!.id : null });
  });
  return router;
}
