import type { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { text } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { ModelAdminService } from './model-admin-service.js';
import type { ModelChange, ModelStore, NewModel } from './model-store.js';
import { MODEL_NAME, modelChange, newModel } from './model-schemas.js';
import { modelView } from './model-views.js';

/**
 * The model name in the path. Names may hold '/', so the route takes the rest of the path:
 * clients should encode the name (encodeURIComponent), and a bare '/' works too.
 */
function nameParam(segments: unknown): string {
  const name = Array.isArray(segments) ? segments.join('/') : String(segments ?? '');
  if (!MODEL_NAME.test(name)) throw new NotFoundError('No such model in the catalogue.', 'model_not_found');
  return name;
}

interface Deps {
  models: Pick<ModelStore, 'list'>;
  service: ModelAdminService;
}

/** /api/admin/models: the catalogue and its prices (US dollars per million tokens). */
/** A request's terms (prices already in micro-dollars) as the catalogue's columns: all of them for a new entry, those given for a change. */
function columnsOf(body: z.output<typeof newModel>): Omit<NewModel, 'name'>;
function columnsOf(body: z.output<typeof modelChange>): ModelChange;
function columnsOf(body: z.output<typeof modelChange>): ModelChange {
  return {
    input_price_micros: body.input_price,
    cached_input_price_micros: body.cached_input_price,
    cache_write_price_micros: body.cache_write_price,
    image_prices: body.image_prices,
    audio_second_price_micros: body.audio_second_price,
    character_price_micros: body.character_price,
    output_price_micros: body.output_price,
    max_output_tokens: body.max_output_tokens,
    enabled: body.enabled,
    notes: body.notes,
  };
}

export function createModelAdminRoutes({ models, service }: Deps): Router {
  const router = createRouter();
  const manage = requires('models.manage');
  // Express gives a wildcard's segments as an array.
  const nameParams = z.object({ name: z.union([z.array(text().max(200)).max(10), text().max(200)]) });

  route(router, 'get', '/models', { access: requires('models.read'), summary: 'The model catalogue and its prices' }, async (_in, res) => {
    res.json((await models.list()).map(modelView));
  });

  route(router, 'post', '/models', { access: manage, summary: 'Price a model or a family (name*)', body: newModel, status: 201 }, async ({ body }, res) => {
    const row = await service.create(actorOf(res), { name: body.name, ...columnsOf(body) });
    res.status(201).json(modelView(row));
  });

  route(
    router,
    'patch',
    '/models/*name',
    { access: manage, summary: "Change a model's prices or state", params: nameParams, body: modelChange },
    async ({ params, body }, res) => {
      const name = nameParam(params.name);
      const row = await service.update(actorOf(res), name, columnsOf(body));
      res.json(modelView(row));
    },
  );

  route(
    router,
    'delete',
    '/models/*name',
    { access: manage, summary: 'Remove a model from the catalogue', params: nameParams, status: 204, produces: 'none' },
    async ({ params }, res) => {
      await service.delete(actorOf(res), nameParam(params.name));
      res.status(204).end();
    },
  );

  return router;
}
