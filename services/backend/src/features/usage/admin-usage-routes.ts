import type { Router } from 'express';
import { createRouter, route } from '../../infra/routes.js';
import { requires } from '../../infra/staff-access.js';
import type { AdminUsageStore } from './admin-usage-store.js';
import { decodeCursor, encodeCursor } from './request-cursor.js';
import { requestSearchQuery, usageSummaryQuery } from './usage-schemas.js';
import { requestView } from './usage-views.js';

// The range of each class of statuses the search may filter by (its `status_class`).
const STATUS_CLASSES = { '2xx': [200, 299], '4xx': [400, 499], '5xx': [500, 599] } as const;

/**
 * GET /api/admin/usage/summary: the cluster's days and its top users and models.
 * GET /api/admin/usage/requests: every relayed request, filtered, newest first, in keyset
 * pages (pass next_cursor back as cursor with the same filters and range).
 */
export function createAdminUsageSearchRoutes({ usage, timeZone }: { usage: AdminUsageStore; timeZone: string }): Router {
  const router = createRouter();
  const access = requires('usage.read');

  route(
    router,
    'get',
    '/usage/summary',
    { access, summary: "The cluster's days and its top users and models", query: usageSummaryQuery },
    async ({ query: q }, res) => {
      res.json(await usage.summary(q.from, q.to, timeZone, q.top));
    },
  );

  route(
    router,
    'get',
    '/usage/requests',
    { access, summary: 'Relayed requests, filtered, newest first (keyset pages)', query: requestSearchQuery },
    async ({ query: q }, res) => {
      const { rows, next } = await usage.searchRequests({
        from: q.from,
        to: q.to,
        userId: q.user_id,
        keyId: q.key_id,
        model: q.model,
        status: q.status,
        statusRange: q.status_class && STATUS_CLASSES[q.status_class],
        outcome: q.outcome,
        after: decodeCursor(q.cursor),
        limit: q.limit,
      });
      res.json({ data: rows.map(requestView), next_cursor: next && encodeCursor(next) });
    },
  );

  return router;
}
