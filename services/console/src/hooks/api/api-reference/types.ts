/**
 * The parts of an OpenAPI 3.1 document the API reference page reads. The gateway builds
 * its description from the routes' own zod declarations (backend
 * features/api-docs/openapi.ts); these types are OpenAPI's, not a copy of our API, and
 * every field is optional because the page must survive a description it did not expect.
 */

/** A JSON Schema (draft 2020-12, OpenAPI 3.1's dialect): an object of keywords, or true/false. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

export interface OpenApiMediaType {
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  tags?: string[];
  summary?: string;
  description?: string;
  operationId?: string;
  /** Who may call it: anyone, signed_in, api_key, or a staff permission (domain/staff-roles.ts). */
  'x-permission'?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, OpenApiMediaType> };
  responses?: Record<string, { description?: string; content?: Record<string, OpenApiMediaType> }>;
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export type OpenApiPathItem = Partial<Record<HttpMethod, OpenApiOperation>>;

export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string; version?: string; description?: string };
  servers?: Array<{ url: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths?: Record<string, OpenApiPathItem>;
}
