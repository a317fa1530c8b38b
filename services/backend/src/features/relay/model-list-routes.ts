import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { keyCaller } from '../keys/api-key-auth.js';
import type { ModelPrice } from '../models/model-catalogue.js';
import type { OfferedModels } from '../models/offered-models.js';
import { modelNotFound } from './admission.js';

/** A model in Anthropic's shape, for a caller that names an anthropic-version (Claude Code, Anthropic's SDKs). */
const anthropicModel = (m: ModelPrice) => ({ type: 'model', id: m.name, display_name: m.name, created_at: new Date(m.created * 1000).toISOString() });

/**
 * The model list and one model: the catalogue's models the caller's plan allows (exact
 * names only: a `prefix*` family prices dated variants, which are served but not listed)
 * that some channel serves, in OpenAI's shape, or Anthropic's when the request carries an
 * anthropic-version. The upstream is not asked: the list is what the gateway sells, not
 * what an upstream happens to know.
 */
export function createModelListRoutes({ offered, access }: { offered: Pick<OfferedModels, 'list'>; access: Access }): Router {
  const router = createRouter();
  const listed = (res: Response): Promise<ModelPrice[]> => offered.list(keyCaller(res).userId);
  const modelObject = (m: ModelPrice) => ({ id: m.name, object: 'model', created: m.created, owned_by: 'codex-gateway' });

  const anthropic = (req: Request) => req.headers['anthropic-version'] !== undefined;

  route(router, 'get', '/models', { access, summary: 'The models your package may use' }, async (_in, res, req) => {
    const models = await listed(res);
    if (!anthropic(req)) {
      res.json({ object: 'list', data: models.map(modelObject) });
      return;
    }
    res.json({ data: models.map(anthropicModel), has_more: false, first_id: models[0]?.name ?? null, last_id: models.at(-1)?.name ?? null });
  });
  const modelParams = z.object({ model: z.string().max(1000) });
  route(router, 'get', '/models/:model', { access, summary: 'One model, if your package may use it', params: modelParams }, async ({ params }, res, req) => {
    const model = params.model;
    const found = (await listed(res)).find((m) => m.name === model);
    if (!found) throw modelNotFound(model);
    res.json(anthropic(req) ? anthropicModel(found) : modelObject(found));
  });
  return router;
}
