/**
 * Which endpoint a request path names: OpenAI's and Anthropic's (with or without
 * /v1), Azure OpenAI's (/openai/…?api-version=…) and the mock's own.
 */

import { RawBodyError } from './http-util.js';

export type RouteKind =
  | 'models'
  | 'model'
  | 'chat'
  | 'responses'
  | 'messages'
  | 'count_tokens'
  | 'embeddings'
  | 'image_generations'
  | 'image_edits'
  | 'image'
  | 'transcriptions'
  | 'translations'
  | 'speech'
  | 'healthz'
  | 'config'
  | 'stats'
  | 'requests'
  | 'unknown';

export interface Route {
  kind: RouteKind;
  methods: readonly string[];
  /** The /__mock/* endpoints: never counted, logged, refused or authenticated. */
  control: boolean;
  statKey?: string;
  modelId?: string;
  /** Azure OpenAI route: needs the api-version query parameter. */
  azure: boolean;
  /** Azure chat: the deployment in the path, which is the model. */
  deployment?: string;
  /** The path without its query string. */
  path: string;
  /** The query string without "?" ("" when there is none). */
  query: string;
}

const GET = ['GET'] as const;
const POST = ['POST'] as const;

const MOCK_IMAGE = /^\/__mock\/images\/[\w-]+\.png$/;
const AZURE_CHAT = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

export const STAT_KEYS = [
  '/v1/models',
  '/v1/models/{model}',
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/v1/embeddings',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/audio/transcriptions',
  '/v1/audio/translations',
  '/v1/audio/speech',
  '/openai/models',
  '/openai/deployments/{deployment}/chat/completions',
  '/openai/responses',
  '/healthz',
  'unknown',
] as const;

/** Accepts each OpenAI path with or without the /v1 prefix, since base URLs get configured both ways. */
export function resolveRoute(url: string): Route {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  let path = rawPath;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const at = { path: rawPath, query, control: false, azure: false };
  const unknown: Route = { ...at, kind: 'unknown', methods: [], statKey: 'unknown' };
  if (path === '/healthz') return { ...at, kind: 'healthz', methods: GET, statKey: '/healthz' };
  // Control endpoints live outside /v1 so a gateway proxying /v1/* can never reach them.
  if (path === '/__mock/config') return { ...at, control: true, kind: 'config', methods: ['GET', 'POST'] };
  if (path === '/__mock/stats') return { ...at, control: true, kind: 'stats', methods: GET };
  if (path === '/__mock/requests') return { ...at, control: true, kind: 'requests', methods: ['GET', 'DELETE'] };
  // The images a url answer points at (images.ts); any id serves the same PNG.
  if (MOCK_IMAGE.test(path)) return { ...at, control: true, kind: 'image', methods: GET };
  if (path.startsWith('/openai/')) return resolveAzure(path, { ...at, azure: true }) ?? unknown;
  const api = path.startsWith('/v1/') ? path.slice(3) : path;
  if (api === '/models') return { ...at, kind: 'models', methods: GET, statKey: '/v1/models' };
  if (api === '/chat/completions') return { ...at, kind: 'chat', methods: POST, statKey: '/v1/chat/completions' };
  if (api === '/responses') return { ...at, kind: 'responses', methods: POST, statKey: '/v1/responses' };
  if (api === '/images/generations') return { ...at, kind: 'image_generations', methods: POST, statKey: '/v1/images/generations' };
  if (api === '/images/edits') return { ...at, kind: 'image_edits', methods: POST, statKey: '/v1/images/edits' };
  if (api === '/audio/transcriptions') return { ...at, kind: 'transcriptions', methods: POST, statKey: '/v1/audio/transcriptions' };
  if (api === '/audio/translations') return { ...at, kind: 'translations', methods: POST, statKey: '/v1/audio/translations' };
  if (api === '/audio/speech') return { ...at, kind: 'speech', methods: POST, statKey: '/v1/audio/speech' };
  if (api === '/embeddings') return { ...at, kind: 'embeddings', methods: POST, statKey: '/v1/embeddings' };
  if (api === '/messages') return { ...at, kind: 'messages', methods: POST, statKey: '/v1/messages' };
  if (api === '/messages/count_tokens') return { ...at, kind: 'count_tokens', methods: POST, statKey: '/v1/messages/count_tokens' };
  if (api.startsWith('/models/') && api.length > '/models/'.length) {
    const modelId = decode(api.slice('/models/'.length));
    return modelId === undefined ? unknown : { ...at, kind: 'model', methods: GET, statKey: '/v1/models/{model}', modelId };
  }
  return unknown;
}

function resolveAzure(path: string, at: Pick<Route, 'path' | 'query' | 'control' | 'azure'>): Route | undefined {
  if (path === '/openai/models') return { ...at, kind: 'models', methods: GET, statKey: '/openai/models' };
  if (path === '/openai/responses') return { ...at, kind: 'responses', methods: POST, statKey: '/openai/responses' };
  const chat = AZURE_CHAT.exec(path);
  const deployment = chat?.[1] === undefined ? undefined : decode(chat[1]);
  if (deployment === undefined || deployment === '') return undefined;
  return { ...at, kind: 'chat', methods: POST, statKey: '/openai/deployments/{deployment}/chat/completions', deployment };
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Azure refuses a data-plane call without an api-version, before it looks at anything else. */
export function checkApiVersion(route: Route): void {
  if (!route.azure) return;
  const version = new URLSearchParams(route.query).get('api-version');
  if (version === null || version.trim() === '') {
    throw new RawBodyError(400, { error: { code: 'BadRequest', message: 'Missing api-version query parameter.' } });
  }
}
