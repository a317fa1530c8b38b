import type { Router } from 'express';
import { createRouter, route } from '../../infra/routes.js';
import { requires } from '../../infra/staff-access.js';
import { auditQuery } from './audit-schemas.js';
import type { AuditStore } from './audit-store.js';
import { auditView } from './audit-views.js';

/** GET /api/admin/audit-log?actor&action&target_type&target_id&from&to&before&limit: newest first; `next_before` pages on. */
export function createAuditRoutes({ audit }: { audit: Pick<AuditStore, 'list'> }): Router {
  const router = createRouter();
  route(
    router,
    'get',
    '/audit-log',
    { access: requires('audit.read'), summary: 'The audit log, newest first', query: auditQuery },
    async ({ query: q }, res) => {
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
    },
  );
  return router;
}
