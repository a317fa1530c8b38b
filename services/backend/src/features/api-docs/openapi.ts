import { z } from 'zod';
import type { DeclaredRoute } from '../../infra/routes.js';

/**
 * The OpenAPI 3.1 description of the customer, console and admin APIs, made from the
 * routes' own declarations (access, params, query and body schemas): nothing is written
 * twice. zod 4 turns each schema into JSON Schema (draft 2020-12, which OpenAPI 3.1
 * uses); the request side of transforms is what a client sends. Answers are described by
 * their status and media type, and errors by the one shape every API uses.
 */

type JsonSchema = Record<string, unknown>;

export interface ApiRoutes {
  customer: DeclaredRoute[];
  console: DeclaredRoute[];
  admin: DeclaredRoute[];
}

const TAGS: Record<keyof ApiRoutes, { name: string; description: string }> = {
  customer: {
    name: 'Customer API',
    description: "OpenAI-compatible, with an API key. Also served under /api/v1 (the original product's prefix).",
  },
  console: { name: 'Console API', description: "The web console's API: the session cookie, and x-csrf-token on every change." },
  admin: { name: 'Admin API', description: 'Staff (a console session with a second factor and a role) or the admin token.' },
};

const ERROR: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'code'],
      properties: {
        message: { type: 'string' },
        type: { type: 'string' },
        param: { type: ['string', 'null'] },
        code: { type: ['string', 'null'] },
        request_id: { type: 'string' },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** Express's /users/:id and /models/*name as OpenAPI's /users/{id} and /models/{name}. */
export const openApiPath = (path: string) => path.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');

/** Path or query parameters from an object schema (its JSON Schema's properties). */
function parameters(where: 'path' | 'query', schema: z.ZodType | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

function operation(r: DeclaredRoute, tag: string): JsonSchema {
  const { spec } = r;
  const status = String(spec.status ?? 200);
  const produces = spec.produces ?? 'application/json';
  const content = produces === 'none' ? undefined : produces === 'text/event-stream' ? { 'application/json': {}, 'text/event-stream': {} } : { [produces]: {} };
  const error = { description: "An error, in the API's error shape.", content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const responses: JsonSchema = { [status]: { description: 'Success.', ...(content ? { content } : {}) }, '4XX': error, '5XX': error };
  return {
    tags: [tag],
    summary: spec.summary,
    operationId: `${r.method}${openApiPath(r.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    description: `Who may call it: ${spec.access.description}`,
    'x-permission': spec.access.name,
    security: spec.access.security.map((name) => ({ [name]: [] })),
    parameters: [...parameters('path', spec.params), ...parameters('query', spec.query)],
    ...(spec.body ? { requestBody: { required: !spec.bodyOptional, content: { 'application/json': { schema: jsonSchema(spec.body) } } } } : {}),
    responses,
  };
}

export function buildOpenApi(apis: ApiRoutes, serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [api, routes] of Object.entries(apis) as Array<[keyof ApiRoutes, DeclaredRoute[]]>) {
    for (const r of routes) {
      const item = (paths[openApiPath(r.path)] ??= {});
      item[r.method] = operation(r, TAGS[api].name);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Codex Gateway',
      version: '1',
      description: 'An OpenAI-compatible gateway with metered packages: the customer API, the console API and the admin API.',
    },
    servers: [{ url: serverUrl }],
    tags: Object.values(TAGS),
    paths,
    components: {
      schemas: { Error: ERROR },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'A customer API key (sk-…).' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN (automation; acts as an owner).' },
        staffSession: { type: 'apiKey', in: 'cookie', name: 'cg_session', description: "A staff member's console session, signed in with a second factor." },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'cg_session', description: 'A console session.' },
      },
    },
  };
}
