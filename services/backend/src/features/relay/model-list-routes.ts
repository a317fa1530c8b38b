import type { Response, Router } from 'express';
import { z } from 'zod';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { keyCaller } from '../keys/api-key-auth.js';
import type { ModelPrice } from '../models/model-catalogue.js';
import type { OfferedModels } from '../models/offered-models.js';
import { modelNotFound } from './admission.js';

/**
 * The model list and one model: the catalogue's models the caller's plan allows (exact
 * names only: a `prefix*` family prices dated variants, which are served but not listed)
 * that some channel serves, in OpenAI's shape. The upstream is not asked: the list is what
 * the gateway sells, not what an upstream happens to know.
 */
export function createModelListRoutes({ offered, access }: { offered: Pick<OfferedModels, 'list'>; access: Access }): Router {
  const router = createRouter();
  const listed = (res: Response): Promise<ModelPrice[]> => offered.list(keyCaller(res).userId);
  const modelObject = (m: ModelPrice) => ({ id: m.name, object: 'model', created: m.created, owned_by: 'codex-gateway' });

  route(router, 'get', '/models', { access, summary: 'The models your package may use' }, async (_in, res) => {
    res.json({ object: 'list', data: (await listed(res)).map(modelObject) });
  });
  const modelParams = z.object({ model: z.string().max(1000) });
  route(router, 'get', '/models/:model', { access, summary: 'One model, if your package may use it', params: modelParams }, async ({ params }, res) => {
    const model = params.model;
    const found = (await listed(res)).find((m) => m.name === model);
    if (!found) throw modelNotFound(model);
    res.json(modelObject(found));
  });
  return router;
}
