import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import { BadRequestError } from './errors.js';
import { parse } from './validation.js';

/**
 * Routes that say who may call them and what they take, where they are registered:
 *
 *   route(router, 'patch', '/staff/:id', { access: requires('staff.manage'), params, body, summary }, handler)
 *
 * The access check runs first on the route that matched, so a permission follows the
 * route that actually runs, never the spelling of its path. The same declarations are
 * read back from the routers (`declaredRoutes`) by the app's start-up check (a router with
 * an undeclared route refuses to start), the OpenAPI description and the tests.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route: its name (in the OpenAPI description and the role matrix) and the check enforcing it. */
export interface Access {
  readonly name: string;
  /** Who that is, in words, for the description. */
  readonly description: string;
  /** The OpenAPI security schemes that satisfy it (none: anyone). */
  readonly security: readonly string[];
  /** Throws an HttpError to refuse; returns to let the request on. */
  readonly check: (req: Request, res: Response) => void | Promise<void>;
}

type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined> {
  access: Access;
  summary: string;
  params?: P;
  query?: Q;
  body?: B;
  /** A call without a body is taken as `{}` (every field of the body is optional). */
  bodyOptional?: boolean;
  /** The handler reads the body itself (the relay passes it on); `body` only documents it. */
  ownBody?: boolean;
  /** Run after the access check, before the handler (a body parser of the route's own). */
  middleware?: RequestHandler[];
  /** The success answer's status and media type (default 200, application/json). */
  status?: number;
  produces?: 'application/json' | 'text/csv' | 'text/event-stream' | 'none';
}

export interface RouteInput<P extends Schema, Q extends Schema, B extends Schema> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

export interface DeclaredRoute {
  method: Method;
  /** Express syntax, from the mount point the walk started at: /api/admin/users/:id. */
  path: string;
  spec: RouteSpec<Schema, Schema, Schema>;
}

const SPEC = Symbol('route spec');
type Tagged = RequestHandler & { [SPEC]?: RouteSpec<Schema, Schema, Schema> };

/** A router for declared routes: paths match case-sensitively and strictly (/Staff and /staff/ are not /staff). */
export function createRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}

/**
 * Text Postgres would refuse (a 500): NUL in any text, and a lone UTF-16 surrogate, which
 * becomes an invalid \u escape in a jsonb value (the audit log's). No string of any input,
 * value or object key, may hold either. The 400 names where.
 */
// With the u flag a surrogate pair is one character: only a lone half is Cs.
const LONE_SURROGATE = /\p{Cs}/u;

export function refuseUnstorableText(inputs: Record<string, unknown>): void {
  const stack: Array<[unknown, string]> = Object.entries(inputs).map(([where, value]) => [value, where]);
  while (stack.length > 0) {
    const [v, where] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) throw new BadRequestError(`Invalid request: ${where} must not contain NUL characters.`, 'invalid_request', where);
      if (LONE_SURROGATE.test(v)) throw new BadRequestError(`Invalid request: ${where} must be well-formed Unicode text.`, 'invalid_request', where);
    } else if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) stack.push([item, `${where}.${i}`]);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) stack.push([key, where], [item, `${where}.${key}`]);
    }
  }
}

export function route<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  router: Router,
  method: Method,
  path: string,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>, res: Response, req: Request) => unknown,
): void {
  const guard: Tagged = async (req, res, next) => {
    await spec.access.check(req, res);
    next();
  };
  guard[SPEC] = spec as RouteSpec<Schema, Schema, Schema>;
  const run: RequestHandler = async (req, res) => {
    const raw = spec.ownBody ? undefined : (req.body ?? (spec.bodyOptional ? {} : undefined));
    refuseUnstorableText({ path: req.params, query: req.query, body: raw });
    const input = {
      params: spec.params ? parse(spec.params, req.params, 'invalid_id') : undefined,
      query: spec.query ? parse(spec.query, req.query) : undefined,
      body: spec.body && !spec.ownBody ? parse(spec.body, raw) : undefined,
    } as RouteInput<P, Q, B>;
    await handler(input, res, req);
  };
  router[method](path, guard, ...(spec.middleware ?? []), run);
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: Tagged }> };
  handle: { stack?: Layer[] } & Partial<{ caseSensitive: boolean; strict: boolean }>;
  rawPath?: unknown;
}

/**
 * Every route registered on `router` and the routers mounted in it, with its declaration
 * (undefined when it was registered without `route()`), in registration order.
 */
export function registeredRoutes(router: Router, prefix = ''): Array<Omit<DeclaredRoute, 'spec'> & { spec: DeclaredRoute['spec'] | undefined }> {
  const found: Array<Omit<DeclaredRoute, 'spec'> & { spec: DeclaredRoute['spec'] | undefined }> = [];
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (layer.route) {
      const spec = layer.route.stack[0]?.handle[SPEC];
      for (const method of Object.keys(layer.route.methods)) {
        if (method !== '_all') found.push({ method: method as Method, path: `${prefix}${String(layer.route.path)}`, spec });
      }
    } else if (Array.isArray(layer.handle.stack)) {
      // A router mounted at several paths (app.use(['/v1', '/api/v1'], …)) has its routes at each.
      const mounts = (Array.isArray(layer.rawPath) ? layer.rawPath : [layer.rawPath]).map((p) => (typeof p === 'string' && p !== '/' ? p : ''));
      for (const mount of mounts) found.push(...registeredRoutes(layer.handle as unknown as Router, `${prefix}${mount}`));
    }
  }
  return found;
}

/** The declared routes of a router tree; throws, naming each, when a route is undeclared or a router is not strict and case-sensitive. */
export function declaredRoutes(router: Router, prefix = ''): DeclaredRoute[] {
  const problems: string[] = [];
  const walk = (r: Router, at: string) => {
    const options = r as unknown as { caseSensitive?: boolean; strict?: boolean };
    if (!options.caseSensitive || !options.strict) problems.push(`a router under ${at || '/'} is not case-sensitive and strict (use createRouter())`);
    for (const layer of (r as unknown as { stack: Layer[] }).stack) {
      if (!layer.route && Array.isArray(layer.handle.stack)) walk(layer.handle as unknown as Router, at);
    }
  };
  walk(router, prefix);
  const routes = registeredRoutes(router, prefix);
  for (const r of routes) if (!r.spec) problems.push(`${r.method.toUpperCase()} ${r.path} declares no access (register it with route())`);
  if (problems.length) throw new Error(`routes without a declaration:\n  - ${problems.join('\n  - ')}`);
  return routes as DeclaredRoute[];
}
