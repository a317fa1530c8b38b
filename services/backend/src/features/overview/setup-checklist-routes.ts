import type { Router } from 'express';
import { createRouter, route } from '../../infra/routes.js';
import { requires } from '../../infra/staff-access.js';
import type { SetupChecklistService } from './setup-checklist.js';

/** GET /api/admin/setup-checklist: what a new operator must still do before the first sale. */
export function createSetupChecklistRoutes({ checklist }: { checklist: SetupChecklistService }): Router {
  const router = createRouter();
  route(
    router,
    'get',
    '/setup-checklist',
    {
      access: requires('usage.read'),
      summary: 'What the operator must still set up: a paid package, channels for the catalogue, their keys, live payments, real mail',
    },
    async (_in, res) => {
      res.set('cache-control', 'no-store');
      res.json(await checklist.check());
    },
  );
  return router;
}
