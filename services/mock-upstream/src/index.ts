/**
 * A local stand-in for the upstream LLM providers that speaks their real HTTP
 * protocols, with deterministic output and failure injection for gateway tests:
 *   - OpenAI: Models, Chat Completions, Responses (and their Azure OpenAI routes),
 *     Embeddings, Images (generations, edits), Audio (transcriptions,
 *     translations, speech);
 *   - Anthropic: Messages, count_tokens, and Models in Anthropic's shape when the
 *     request carries `anthropic-version`.
 * Several instances, each with its own name, play several upstream channels.
 *
 * Built on bare node:http because load tests push thousands of requests per
 * second through it and the mock must never be the bottleneck.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicMessages, countTokens } from './anthropic-messages.js';
import { anthropicModelById, anthropicModelList } from './anthropic-models.js';
import { type ApiDialect, OPENAI, dialectOf } from './api-dialect.js';
import { chatCompletions } from './chat-completions.js';
import { DEFAULT_CONFIG, type MockConfigPatch, type MockRuntimeConfig, CONFIG_KEYS, applyConfigPatch, parseConfigPatch } from './config.js';
import { embeddings } from './embeddings.js';
import { type BodyFormat, type GenerationEndpoint, type GenerationRequest, type RespondOptions, interruptionAt } from './generation.js';
import { HttpError, isGone, newId, parseJsonObject, readBody, sendBody, sendJson, sendRawJson, sleep } from './http-util.js';
import { MOCK_PNG, imageEdits, imageGenerations } from './images.js';
import { parseModelOptions } from './mock-options.js';
import { MODELS_LIST_JSON, isKnownModel, modelObject } from './models.js';
import { modelNotFound, withRetryAfter } from './openai-errors.js';
import { type MockRequestRecord, RequestLog } from './request-log.js';
import { ResponseIds } from './response-ids.js';
import { responses } from './responses.js';
import { type Route, type RouteKind, STAT_KEYS, checkApiVersion, resolveRoute } from './routes.js';
import { speech } from './speech.js';
import { SseStream } from './sse-stream.js';
import { transcriptions, translations } from './transcriptions.js';

export type { MockConfigPatch, MockRuntimeConfig } from './config.js';
export type { MockRequestRecord } from './request-log.js';
export { DEFAULT_COMPLETION_TOKENS } from './generation.js';
export { MODEL_IDS } from './models.js';
export { MOCK_ORGANIZATION, MOCK_PROJECT } from './openai-headers.js';
export { HARMLESS_COMMAND } from './tool-calls.js';

export const DEFAULT_INSTANCE_NAME = 'mock-upstream';

/** Every runtime config key can be set from the start; `apiKey: ""` means none, like null. */
export interface MockUpstreamOptions extends MockConfigPatch {
  /** This instance's name: header `x-mock-instance` on every answer, `name` in stats (default "mock-upstream"). */
  name?: string;
}

export interface MockStats {
  name: string;
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
  readonly name: string;
  listen(port?: number, host?: string): Promise<ListenResult>;
  /** Stops listening and drops every connection, idle keep-alive ones included. */
  close(): Promise<void>;
  /** Throws TypeError on invalid values; returns the resulting config. */
  setConfig(patch: MockConfigPatch): MockRuntimeConfig;
  stats(): MockStats;
  /** The last 200 API requests (not /__mock/* ones), oldest first, as copies. */
  requests(): MockRequestRecord[];
  clearRequests(): void;
}

// Sent as a header value: visible ASCII, inner spaces allowed.
const NAME_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;

/** The route kinds that generate an answer, and what answers each. */
const GENERATORS: Partial<Record<RouteKind, GenerationEndpoint<GenerationRequest>>> = {
  chat: chatCompletions,
  responses,
  messages: anthropicMessages,
  embeddings,
  image_generations: imageGenerations,
  image_edits: imageEdits,
  transcriptions,
  translations,
  speech,
};

export function createMockUpstream(options: MockUpstreamOptions = {}): MockUpstream {
  const name = options.name ?? DEFAULT_INSTANCE_NAME;
  if (!NAME_PATTERN.test(name)) throw new TypeError(`Invalid mock instance name ${JSON.stringify(name)}: 1 to 100 printable ASCII characters.`);
  const config: MockRuntimeConfig = { ...DEFAULT_CONFIG };
  // An empty key would make every request "authenticated" by an empty bearer; treat it as no key.
  const initial: Record<string, unknown> = Object.fromEntries(CONFIG_KEYS.map((k) => [k, options[k]]));
  if (initial.apiKey === '') initial.apiKey = null;
  applyConfigPatch(
    config,
    toTypeError(() => parseConfigPatch(initial)),
  );
  const counts = new Map<string, number>(STAT_KEYS.map((k) => [k, 0]));
  let total = 0;
  const log = new RequestLog();
  const responseIds = new ResponseIds();

  /** Shared prelude of every API answer: simulated network latency, Azure's api-version, then the provider's own checks (auth). */
  async function apiPrelude(req: IncomingMessage, res: ServerResponse, route: Route, dialect: ApiDialect): Promise<boolean> {
    await sleep(config.latencyMs, res);
    if (isGone(res)) return false;
    checkApiVersion(route);
    dialect.checkRequest(req, config.apiKey);
    return true;
  }

  /** failNext, then failStatus: the error a generation request answers instead, if any. */
  function injectedFailure(req: IncomingMessage, model: string | null, dialect: ApiDialect): HttpError | undefined {
    if (config.failNext > 0) {
      config.failNext--;
      return withRetryAfter(dialect.serverError(), config.retryAfterSeconds);
    }
    if (config.failStatus === 0) return undefined;
    const err = dialect.injectedError(config.failStatus, { model: model ?? 'unknown', apiKey: dialect.presentedKey(req) });
    return withRetryAfter(err, config.retryAfterSeconds);
  }

  /**
   * The body as a JSON object, its model recorded in the request log; a bad body is
   * returned rather than thrown, to be answered only after auth and injected failures.
   */
  async function readRequest(req: IncomingMessage, route: Route, entry: MockRequestRecord, format?: BodyFormat): Promise<Record<string, unknown> | HttpError> {
    const raw = await readBody(req, format?.maxBytes);
    try {
      const body = format === undefined ? parseJsonObject(raw) : format.decode(raw, req.headers['content-type']);
      // Azure takes the model from the deployment in the path, whatever the body says.
      if (route.deployment !== undefined) body.model = route.deployment;
      entry.model = typeof body.model === 'string' ? body.model : null;
      return body;
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return err;
    }
  }

  async function generate<R extends GenerationRequest>(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    entry: MockRequestRecord,
    dialect: ApiDialect,
    endpoint: GenerationEndpoint<R>,
  ): Promise<void> {
    const body = await readRequest(req, route, entry, endpoint.body);
    if (!(await apiPrelude(req, res, route, dialect))) return;
    const failure = injectedFailure(req, entry.model, dialect);
    if (failure !== undefined) throw failure;
    if (body instanceof HttpError) throw body;
    const request = endpoint.parse(body, responseIds);
    const behaviour = parseModelOptions(request.model);
    await sleep(behaviour.slowMs, res);
    if (isGone(res)) return;
    if (behaviour.errorStatus !== undefined) {
      throw dialect.injectedError(behaviour.errorStatus, { model: request.model, apiKey: dialect.presentedKey(req) });
    }
    if (behaviour.forbidden !== undefined) throw dialect.forbidden(behaviour.forbidden, request.model);
    if (behaviour.emptyStream) {
      if (endpoint.emptyAnswer !== undefined) return endpoint.emptyAnswer(res, request);
      if (request.stream) return new SseStream(res, 0).closeEmpty();
      return sendRawJson(res, 200, '', { connection: 'close' });
    }
    const options: RespondOptions = {
      chunkDelayMs: behaviour.chunkDelayMs ?? config.chunkDelayMs,
      framing: { crlf: behaviour.crlf, nospace: behaviour.nospace },
      tools: behaviour.tools,
      dropAfter: behaviour.dropAfter,
      failAfter: behaviour.failAfter,
      cachedTokens: behaviour.cachedTokens,
      cacheWriteTokens: behaviour.cacheWriteTokens,
      reasoningTokens: behaviour.reasoningTokens,
      responseIds,
      origin: `http://${req.headers.host ?? 'localhost'}`,
    };
    if (!request.stream) {
      // A whole answer is sent at once, so a cut or failure anywhere in it leaves nothing to send.
      const interruption = interruptionAt(options, Number.POSITIVE_INFINITY);
      if (interruption === 'drop') return void res.destroy();
      if (interruption === 'fail') throw dialect.serverError();
    }
    await endpoint.respond(res, request, options);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-request-id', newId('req_'));
    res.setHeader('x-mock-instance', name);
    const route = resolveRoute(req.url ?? '/');
    if (route.control) return control(req, res, route);
    const dialect = dialectOf(route, req);
    try {
      await serve(req, res, route, dialect);
    } catch (err) {
      fail(res, err, dialect);
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, route: Route, dialect: ApiDialect): Promise<void> {
    total++;
    if (route.statKey !== undefined) counts.set(route.statKey, (counts.get(route.statKey) ?? 0) + 1);
    const entry = log.record(req, route.path, route.query);
    if (route.deployment !== undefined) entry.model = route.deployment;
    // A dead channel: the connection goes away without a byte of answer.
    if (config.refuseConnections) return void req.socket.destroy();
    if (route.kind !== 'healthz') dialect.setHeaders(res);
    const method = req.method ?? 'GET';
    if (route.kind === 'unknown') {
      throw new HttpError(404, `Invalid URL (${method} ${req.url ?? '/'})`);
    }
    checkMethod(route, method);
    const endpoint = GENERATORS[route.kind];
    if (endpoint) return generate(req, res, route, entry, dialect, endpoint);
    switch (route.kind) {
      case 'healthz':
        return sendRawJson(res, 200, '{"status":"ok"}');
      case 'models':
        if (!(await apiPrelude(req, res, route, dialect))) return;
        if (dialect.provider === 'anthropic') return sendJson(res, 200, anthropicModelList(route.query));
        return sendRawJson(res, 200, MODELS_LIST_JSON);
      case 'model': {
        if (!(await apiPrelude(req, res, route, dialect))) return;
        const id = route.modelId ?? '';
        if (dialect.provider === 'anthropic') return sendJson(res, 200, anthropicModelById(id));
        if (!isKnownModel(id)) throw modelNotFound(id);
        return sendJson(res, 200, modelObject(id));
      }
      case 'count_tokens': {
        // Counting generates nothing, so neither injected failures nor model options apply.
        const body = await readRequest(req, route, entry);
        if (!(await apiPrelude(req, res, route, dialect))) return;
        if (body instanceof HttpError) throw body;
        return sendJson(res, 200, countTokens(body));
      }
    }
  }

  /** /__mock/*: never counted, logged, refused or authenticated. */
  async function control(req: IncomingMessage, res: ServerResponse, route: Route): Promise<void> {
    const method = req.method ?? 'GET';
    checkMethod(route, method);
    switch (route.kind) {
      case 'stats':
        return sendJson(res, 200, stats());
      case 'image':
        return sendBody(res, 200, MOCK_PNG, 'image/png');
      case 'requests':
        if (method === 'DELETE') log.clear();
        return sendJson(res, 200, { requests: log.list() });
      case 'config': {
        if (method === 'POST') {
          const raw = await readBody(req);
          // An empty POST is a harmless way to read the config back.
          const patch = raw.length === 0 ? {} : parseConfigPatch(parseJsonObject(raw));
          return sendJson(res, 200, applyConfigPatch(config, patch));
        }
        return sendJson(res, 200, { ...config });
      }
    }
  }

  function fail(res: ServerResponse, err: unknown, dialect: ApiDialect = OPENAI): void {
    if (res.headersSent) {
      // Too late for a JSON error; a cut connection is the honest signal mid-stream.
      res.destroy();
      return;
    }
    dialect.sendError(res, err instanceof HttpError ? err : new HttpError(500, `Mock upstream failure: ${String(err)}`, 'server_error'));
  }

  function stats(): MockStats {
    return { name, total, byEndpoint: Object.fromEntries(counts) };
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((err: unknown) => fail(res, err));
  });

  return {
    server,
    name,
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
    requests: () => log.list(),
    clearRequests: () => log.clear(),
  };
}

function checkMethod(route: Route, method: string): void {
  if (route.methods.includes(method)) return;
  throw new HttpError(405, `Method ${method} is not allowed on this endpoint.`, 'invalid_request_error', null, null, {
    allow: route.methods.join(', '),
  });
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
