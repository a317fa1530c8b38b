import type { Router } from 'express';
import type { ConsoleModelsAnswer } from '../../contract/console-api.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { OfferedModels } from './offered-models.js';

/** /api/console/models: what the Quick start's client snippets may name. */
export function createConsoleModelRoutes({ offered }: { offered: OfferedModels }): Router {
  const router = createRouter();
  route(router, 'get', '/models', { access: SIGNED_IN, summary: 'The models my package may use today' }, async (_in, res) => {
    const { account } = requireCaller(res);
    res.json({ models: (await offered.list(account.id)).map((m) => m.name) } satisfies ConsoleModelsAnswer);
  });
  return router;
}
