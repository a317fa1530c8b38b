import type { Router } from 'express';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { type ApiRoutes, buildOpenApi } from './openapi.js';

const ANYONE: Access = { name: 'anyone', description: 'Anyone: the description holds no secret.', security: [], check: () => undefined };

/** GET /openapi.json: the description of every API, built once from the routes' declarations. */
export function createApiDocsRoutes({ apis, publicBaseUrl }: { apis: ApiRoutes; publicBaseUrl: string }): Router {
  const router = createRouter();
  const body = JSON.stringify(buildOpenApi(apis, publicBaseUrl));
  route(router, 'get', '/openapi.json', { access: ANYONE, summary: 'This description (OpenAPI 3.1)' }, (_in, res) => {
    res.type('application/json').set('cache-control', 'no-cache').send(body);
  });
  return router;
}
