/**
 * A local stand-in for the upstream LLM provider that speaks the real OpenAI
 * HTTP protocol (Models, Chat Completions, Responses), with deterministic
 * output and failure injection for gateway tests.
 *
 * Built on bare node:http because load tests push thousands of requests per
 * second through it and the mock must never be the bottleneck.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletions } from './chat-completions.js';
import { type MockConfigPatch, type MockRuntimeConfig, applyConfigPatch, parseConfigPatch } from './config.js';
import { type GenerationEndpoint, type GenerationRequest, type RespondOptions, interruptionAt } from './generation.js';
import { HttpError, isGone, newId, parseJsonObject, readBody, sendError, sendJson, sendRawJson, sleep } from './http-util.js';
import { parseModelOptions } from './mock-options.js';
import { MODELS_LIST_JSON, isKnownModel, modelObject } from './models.js';
import { injectedError, modelNotFound, serverError, unauthorized } from './openai-errors.js';
import { setOpenAIHeaders } from './openai-headers.js';
import { responses } from './responses.js';
import { SseStream } from './sse-stream.js';

export type { MockConfigPatch, MockRuntimeConfig } from './config.js';
export { DEFAULT_COMPLETION_TOKENS } from './generation.js';
export { MODEL_IDS } from './models.js';
export { MOCK_ORGANIZATION, MOCK_PROJECT } from './openai-headers.js';
export { HARMLESS_COMMAND } from './tool-calls.js';

export interface MockUpstreamOptions {
  /** Delay before the first byte of every /v1 answer (default 0). */
  latencyMs?: number;
  /** Delay between consecutive SSE events (default 0). */
  chunkDelayMs?: number;
  /** When set, /v1 requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface MockStats {
  /** Requests seen on API endpoints; /__mock/* control traffic is not counted so it cannot skew assertions. */
  total: number;
  /** Keyed by canonical path ("/v1/chat/completions", …); unmatched paths count as "unknown". */
  byEndpoint: Record<string, number>;
}

export interface ListenResult {
  port: number;
  /** Base URL without /v1, e.g. http://127.0.0.1:43121 */
  url: string;
}

export interface MockUpstream {
  server: Server;
  listen(port?: number, host?: string): Promise<ListenResult>;
  /** Stops listening and drops every connection, idle keep-alive ones included. */
  close(): Promise<void>;
  /** Throws TypeError on invalid values; returns the resulting config. */
  setConfig(patch: MockConfigPatch): MockRuntimeConfig;
  stats(): MockStats;
}

type RouteKind = 'models' | 'model' | 'chat' | 'responses' | 'healthz' | 'config' | 'stats' | 'unknown';

interface Route {
  kind: RouteKind;
  methods: readonly string[];
  statKey?: string;
  modelId?: string;
}

const GET = ['GET'] as const;
const POST = ['POST'] as const;

/** Accepts each API path with or without the /v1 prefix, since base URLs get configured both ways. */
function resolveRoute(url: string): Route {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  if (path === '/healthz') return { kind: 'healthz', methods: GET, statKey: '/healthz' };
  // Control endpoints live outside /v1 so a gateway proxying /v1/* can never reach them.
  if (path === '/__mock/config') return { kind: 'config', methods: ['GET', 'POST'] };
  if (path === '/__mock/stats') return { kind: 'stats', methods: GET };
  const api = path.startsWith('/v1/') ? path.slice(3) : path;
  if (api === '/models') return { kind: 'models', methods: GET, statKey: '/v1/models' };
  if (api === '/chat/completions') return { kind: 'chat', methods: POST, statKey: '/v1/chat/completions' };
  if (api === '/responses') return { kind: 'responses', methods: POST, statKey: '/v1/responses' };
  if (api.startsWith('/models/') && api.length > '/models/'.length) {
    let modelId: string;
    try {
      modelId = decodeURIComponent(api.slice('/models/'.length));
    } catch {
      return { kind: 'unknown', methods: [], statKey: 'unknown' };
    }
    return { kind: 'model', methods: GET, statKey: '/v1/models/{model}', modelId };
  }
  return { kind: 'unknown', methods: [], statKey: 'unknown' };
}

const STAT_KEYS = ['/v1/models', '/v1/models/{model}', '/v1/chat/completions', '/v1/responses', '/healthz', 'unknown'];

export function createMockUpstream(options: MockUpstreamOptions = {}): MockUpstream {
  const config: MockRuntimeConfig = { latencyMs: 0, chunkDelayMs: 0, failNext: 0 };
  applyConfigPatch(
    config,
    toTypeError(() => parseConfigPatch({ latencyMs: options.latencyMs, chunkDelayMs: options.chunkDelayMs })),
  );
  // An empty key would make every request "authenticated" by an empty bearer; treat it as no key.
  const apiKey = options.apiKey === undefined || options.apiKey === '' ? undefined : options.apiKey;
  const counts = new Map<string, number>(STAT_KEYS.map((k) => [k, 0]));
  let total = 0;

  function checkAuth(req: IncomingMessage): void {
    if (apiKey === undefined) return;
    const header = req.headers.authorization;
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (match?.[1]?.trim() !== apiKey) throw unauthorized(header);
  }

  /** Shared prelude of every /v1 answer: simulated network latency, then authentication. */
  async function apiPrelude(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    await sleep(config.latencyMs, res);
    if (isGone(res)) return false;
    checkAuth(req);
    return true;
  }

  async function generate<R extends GenerationRequest>(req: IncomingMessage, res: ServerResponse, endpoint: GenerationEndpoint<R>): Promise<void> {
    const raw = await readBody(req);
    if (!(await apiPrelude(req, res))) return;
    if (config.failNext > 0) {
      config.failNext--;
      throw serverError();
    }
    const request = endpoint.parse(parseJsonObject(raw));
    const behaviour = parseModelOptions(request.model);
    await sleep(behaviour.slowMs, res);
    if (isGone(res)) return;
    if (behaviour.errorStatus !== undefined) {
      throw injectedError(behaviour.errorStatus, { model: request.model, authorization: req.headers.authorization });
    }
    if (behaviour.emptyStream) {
      if (request.stream) return new SseStream(res, 0).closeEmpty();
      return sendRawJson(res, 200, '', { connection: 'close' });
    }
    const options: RespondOptions = {
      chunkDelayMs: behaviour.chunkDelayMs ?? config.chunkDelayMs,
      framing: { crlf: behaviour.crlf, nospace: behaviour.nospace },
      tools: behaviour.tools,
      dropAfter: behaviour.dropAfter,
      failAfter: behaviour.failAfter,
    };
    if (!request.stream) {
      // A whole answer is sent at once, so a cut or failure anywhere in it leaves nothing to send.
      const interruption = interruptionAt(options, Number.POSITIVE_INFINITY);
      if (interruption === 'drop') return void res.destroy();
      if (interruption === 'fail') throw serverError();
    }
    await endpoint.respond(res, request, options);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-request-id', newId('req_'));
    const route = resolveRoute(req.url ?? '/');
    if (route.statKey !== undefined) {
      total++;
      counts.set(route.statKey, (counts.get(route.statKey) ?? 0) + 1);
    }
    if (route.kind !== 'healthz' && route.kind !== 'config' && route.kind !== 'stats') setOpenAIHeaders(res);
    const method = req.method ?? 'GET';
    if (route.kind === 'unknown') {
      throw new HttpError(404, `Invalid URL (${method} ${req.url ?? '/'})`);
    }
    if (!route.methods.includes(method)) {
      throw new HttpError(405, `Method ${method} is not allowed on this endpoint.`, 'invalid_request_error', null, null, {
        allow: route.methods.join(', '),
      });
    }
    switch (route.kind) {
      case 'healthz':
        return sendRawJson(res, 200, '{"status":"ok"}');
      case 'stats':
        return sendJson(res, 200, stats());
      case 'config': {
        if (method === 'POST') {
          const raw = await readBody(req);
          // An empty POST is a harmless way to read the config back.
          const patch = raw.length === 0 ? {} : parseConfigPatch(parseJsonObject(raw));
          return sendJson(res, 200, applyConfigPatch(config, patch));
        }
        return sendJson(res, 200, { ...config });
      }
      case 'models':
        if (await apiPrelude(req, res)) sendRawJson(res, 200, MODELS_LIST_JSON);
        return;
      case 'model': {
        if (!(await apiPrelude(req, res))) return;
        const id = route.modelId ?? '';
        if (!isKnownModel(id)) throw modelNotFound(id);
        return sendJson(res, 200, modelObject(id));
      }
      case 'chat':
        return generate(req, res, chatCompletions);
      case 'responses':
        return generate(req, res, responses);
    }
  }

  function fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      // Too late for a JSON error; a cut connection is the honest signal mid-stream.
      res.destroy();
      return;
    }
    sendError(res, err instanceof HttpError ? err : new HttpError(500, `Mock upstream failure: ${String(err)}`, 'server_error'));
  }

  function stats(): MockStats {
    return { total, byEndpoint: Object.fromEntries(counts) };
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => fail(res, err));
  });

  return {
    server,
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<ListenResult>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const urlHost = host.includes(':') ? `[${host}]` : host;
          resolve({ port: address.port, url: `http://${urlHost}:${address.port}` });
        });
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) {
          server.closeAllConnections();
          resolve();
          return;
        }
        server.close((err) => (err ? reject(err) : resolve()));
        // close() alone waits for idle keep-alive sockets to time out; drop them now.
        server.closeAllConnections();
      });
    },
    setConfig(patch) {
      return applyConfigPatch(
        config,
        toTypeError(() => parseConfigPatch(patch)),
      );
    },
    stats,
  };
}

/** In-process callers get a plain TypeError rather than an HTTP-shaped error. */
function toTypeError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof HttpError) throw new TypeError(err.message);
    throw err;
  }
}
