import type { RequestHandler, Router } from 'express';
import { type Access, createRouter, route } from '../../infra/routes.js';
import type { ApiAdapter } from './api-adapter.js';
import { createMeteredPipeline, type MeteredDeps } from './metered-pipeline.js';

/** Where OpenAI SDKs and the Codex CLI (base_url=…/v1) and the original product (/api/v1) send requests. */
export const API_PREFIXES = ['/v1', '/api/v1'];

/** The entry serves every call of these routes; the router only declares them. */
function declaredOnly(): never {
  throw new Error('a metered route reached its declaration: the metered entry must be mounted ahead of it');
}

/**
 * The metered routes, one per adapter at each prefix. `entry`, the app's first middleware,
 * hands every POST to one of them straight to the pipeline: they carry nearly all the
 * traffic, and a router's path matching, layer by layer, and body-parser cost each of them
 * CPU (docs/capacity.md). `router` declares them (the API description, the start-up check
 * of every route's access) and gives Express's answer to other methods on their paths.
 */
export function createMeteredRoutes(deps: MeteredDeps & { access: Access }, adapters: readonly ApiAdapter[]): { entry: RequestHandler; router: Router } {
  const serve = createMeteredPipeline(deps);
  const routes = new Map<string, ApiAdapter>(API_PREFIXES.flatMap((prefix) => adapters.map((adapter) => [`${prefix}${adapter.path}`, adapter] as const)));

  const entry: RequestHandler = (req, res, next) => {
    if (req.method !== 'POST') return next();
    const query = req.url.indexOf('?');
    const path = query < 0 ? req.url : req.url.slice(0, query);
    const adapter = routes.get(path);
    if (!adapter) return next();
    serve(adapter, path, req, res).catch(next);
  };

  const router = createRouter();
  for (const [path, adapter] of routes) {
    const spec = { access: deps.access, summary: adapter.summary, body: adapter.bodyDocs, ownBody: true, produces: 'text/event-stream' as const };
    route(router, 'post', path, spec, declaredOnly);
  }
  return { entry, router };
}
