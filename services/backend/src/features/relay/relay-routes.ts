import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../infra/errors.js';
import { assignRequestId } from '../../infra/request-id.js';
import { type Access, createRouter, route } from '../../infra/routes.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import { conversationOf, FORWARDED_REQUEST_HEADERS } from '../channels/channel-request.js';
import type { SessionAffinity } from '../channels/session-affinity.js';
import { type ApiKeyAuth, type ApiKeyAuthenticator, refusedKeyOf } from '../keys/api-key-auth.js';
import { type ModelCatalogue, type ModelPrice, modelAllowed } from '../models/model-catalogue.js';
import { createOfferedModels } from '../models/offered-models.js';
import { costMicros } from '../../domain/money.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { businessDay } from '../../domain/business-day.js';
import { NoActivePackageError } from '../quota/quota-errors.js';
import type { QuotaService } from '../quota/quota-service.js';
import type { RefusalRecorder } from '../usage/refusal-recorder.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { isPlainUtf8, readJsonBody } from './json-body.js';
import type { AbandonedAnswers } from './hang-up.js';
import { relayMetered } from './relay-exchange.js';
import { outputReserve, RELAY_BODY_DOCS, type RelayRequest, readRelayRequest } from './relay-request.js';
import type { UpstreamClient } from './upstream-client.js';
import type { ApiKind } from './usage-meter.js';

export interface RelayDeps {
  upstream: UpstreamClient;
  entitlements: EntitlementService;
  quota: QuotaService;
  recorder: UsageRecorder;
  /** Refusals before the upstream (401, 403, 429), into the same books. */
  refusals: Pick<RefusalRecorder, 'refused'>;
  catalogue: Pick<ModelCatalogue, 'resolve' | 'list'>;
  affinity: SessionAffinity;
  metrics: Metrics;
  logger: Logger;
  bodyLimitBytes: number;
  timeZone: string;
  completionTokenEstimate: number;
  /** How long an answer is read on after its client hung up (hang-up.ts). */
  hangupReadTimeoutMs: number;
  /** The answers read on for clients that left, stopped at shutdown. */
  abandoned: AbandonedAnswers;
}

/** The client's headers that the upstream may see (the allow-list), as one flat record. */
function forwardedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

const BODY_BYTES = Symbol('body bytes');
type WithBodyBytes = { [BODY_BYTES]?: Buffer };

/** body-parser's verify hook: the body as decoded from its content encoding, when it is UTF-8 (the upstream's charset). */
function keepBodyBytes(req: object, _res: unknown, bytes: Buffer, charset: string): void {
  if (charset === 'utf-8' || charset === 'utf8') (req as WithBodyBytes)[BODY_BYTES] = bytes;
}
const bodyBytes = (req: Request): Buffer | undefined => (req as WithBodyBytes)[BODY_BYTES];

/**
 * The model as the caller may use it: sold by the catalogue (an enabled entry prices it),
 * and within the caller's plan. The refusal of a model nobody sells says nothing of what
 * any upstream knows.
 */
async function sold(deps: RelayDeps, entitlement: Entitlement, model: string): Promise<ModelPrice> {
  const price = await deps.catalogue.resolve(model);
  if (!price?.enabled) {
    deps.metrics.gateway.quotaRejections.inc({ reason: 'unknown_model' });
    throw modelNotFound(model);
  }
  if (!modelAllowed(entitlement.models, model, price.name)) {
    deps.metrics.gateway.quotaRejections.inc({ reason: 'model' });
    throw new ForbiddenError(`Your package does not include the model '${model}'.`, 'model_not_allowed');
  }
  return price;
}

const modelNotFound = (model: string) =>
  new NotFoundError(`The model '${model.slice(0, 256)}' does not exist or you do not have access to it.`, 'model_not_found', 'model');

/** Where OpenAI SDKs and the Codex CLI (base_url=…/v1) and the original product (/api/v1) send requests. */
export const API_PREFIXES = ['/v1', '/api/v1'];

/** The metered routes by path, with what each serves. */
const METERED = new Map<string, { kind: ApiKind; path: '/chat/completions' | '/responses'; summary: string }>(
  API_PREFIXES.flatMap((prefix) => [
    [`${prefix}/chat/completions`, { kind: 'chat', path: '/chat/completions', summary: 'A chat completion, metered (stream: true for SSE)' }] as const,
    [`${prefix}/responses`, { kind: 'responses', path: '/responses', summary: 'A response (Responses API), metered (stream: true for SSE)' }] as const,
  ]),
);

/**
 * The metered routes (chat completions, responses), each at both prefixes with its own
 * API-key check. The app mounts them ahead of every other router: they carry nearly all
 * the traffic, and walking the admin, console and customer routers first cost each of
 * them a path match per layer.
 */
export function createGenerationRoutes(deps: RelayDeps & { access: Access }): Router {
  const router = createRouter();
  // Any content type and every encoding express decodes (gzip, deflate, br): the
  // estimate is taken from the decoded body, never from its size on the wire. The
  // decoded bytes are kept: unchanged, they are what the upstream is sent.
  const json = express.json({ limit: deps.bodyLimitBytes, type: () => true, verify: keepBodyBytes });
  const access = keyRefusalsRecorded(deps, deps.access);
  for (const [url, r] of METERED) {
    const spec = {
      access,
      summary: r.summary,
      body: RELAY_BODY_DOCS[r.kind],
      ownBody: true,
      middleware: [json],
      produces: 'text/event-stream' as const,
    };
    route(router, 'post', url, spec, (_in, res, req) => handle(deps, req, res, r.kind, r.path));
  }
  return router;
}

/**
 * The metered routes without the router, as the app's first middleware: a POST to one of
 * them with a plain UTF-8 body (nearly all of them) takes the steps the router would (request
 * id, metrics, API key, body, handle) with none of the router's path matching, and
 * body-parser's work done by a reader for this one case; errors go to the app's error
 * handler. Anything else (another route, a query string, a compressed body) goes on to the
 * router, where createGenerationRoutes serves the rest of the metered requests.
 */
export function createMeteredEntry(deps: RelayDeps & { authenticate: ApiKeyAuthenticator }): RequestHandler {
  return (req, res, next) => {
    const route = req.method === 'POST' ? METERED.get(req.url) : undefined;
    if (!route || !isPlainUtf8(req)) return next();
    const pattern = req.url;
    assignRequestId(req, res);
    deps.metrics.observeHttp(req, res, () => pattern);
    (async () => {
      const started = Date.now();
      res.locals.auth = await deps.authenticate(req).catch((err: unknown) => {
        throw keyRefused(deps, res, err, started);
      });
      const body = await readJsonBody(req, deps.bodyLimitBytes);
      req.body = body?.json;
      if (body) (req as WithBodyBytes)[BODY_BYTES] = body.bytes;
      await handle(deps, req, res, route.kind, route.path);
    })().catch(next);
  };
}

/** Records the refusal of a key (its owner's, when it was issued) and hands the error back. */
function keyRefused(deps: Pick<RelayDeps, 'refusals'>, res: Response, err: unknown, startedAt: number): unknown {
  const owner = refusedKeyOf(err);
  deps.refusals.refused(err, {
    caller: owner && { userId: owner.userId, keyId: owner.keyId },
    code: owner?.code,
    requestId: res.locals.requestId as string,
    // The body of a refused key is not read.
    model: '',
    stream: false,
    startedAt,
  });
  return err;
}

/** The metered routes' API-key check, with its refusals recorded. */
function keyRefusalsRecorded(deps: Pick<RelayDeps, 'refusals'>, access: Access): Access {
  return {
    ...access,
    async check(req, res) {
      const started = Date.now();
      try {
        await access.check(req, res);
      } catch (err) {
        throw keyRefused(deps, res, err, started);
      }
    },
  };
}

/**
 * The model list and one model: the catalogue's models the caller's plan allows (exact
 * names only: a `prefix*` family prices dated variants, which are served but not listed)
 * that some channel serves, in OpenAI's shape. The upstream is not asked: the list is what
 * the gateway sells, not what an upstream happens to know.
 */
export function createRelayRoutes(deps: RelayDeps & { access: Access }): Router {
  const router = createRouter();

  const models = createOfferedModels({ ...deps, entitlementOn: deps.entitlements.active, served: deps.upstream.serves });
  const offered = (res: Response): Promise<ModelPrice[]> => models.list((res.locals.auth as ApiKeyAuth).userId);
  const modelObject = (m: ModelPrice) => ({ id: m.name, object: 'model', created: m.created, owned_by: 'codex-gateway' });

  route(router, 'get', '/models', { access: deps.access, summary: 'The models your package may use' }, async (_in, res) => {
    res.json({ object: 'list', data: (await offered(res)).map(modelObject) });
  });
  const modelParams = z.object({ model: z.string().max(1000) });
  route(
    router,
    'get',
    '/models/:model',
    { access: deps.access, summary: 'One model, if your package may use it', params: modelParams },
    async ({ params }, res) => {
      const model = params.model;
      const found = (await offered(res)).find((m) => m.name === model);
      if (!found) throw modelNotFound(model);
      res.json(modelObject(found));
    },
  );
  return router;
}

/**
 * One metered request: validate → admit (the plan, its models, every limit reserved at
 * once; a refusal is recorded) → relay and settle (relayMetered).
 */
async function handle(deps: RelayDeps, req: Request, res: Response, kind: ApiKind, path: '/chat/completions' | '/responses') {
  const started = Date.now();
  const request = readRelayRequest(kind, req.body, bodyBytes(req));
  const auth = res.locals.auth as ApiKeyAuth;
  const day = businessDay(deps.timeZone);
  let admitted: Awaited<ReturnType<typeof admit>>;
  try {
    admitted = await admit(deps, req, res, request, auth, day);
  } catch (err) {
    const requestId = res.locals.requestId as string;
    deps.refusals.refused(err, { caller: auth, requestId, model: request.model, stream: request.stream, startedAt: started });
    throw err;
  }
  await relayMetered(deps, res, { path, request, auth, day, ...admitted, headers: forwardedHeaders(req) });
}

/** The plan in effect and its models → where the conversation lives → every limit reserved at once. */
async function admit(deps: RelayDeps, req: Request, res: Response, request: RelayRequest, auth: ApiKeyAuth, day: string) {
  const entitlement = await deps.entitlements.active(auth.userId, day);
  if (!entitlement) {
    deps.metrics.gateway.quotaRejections.inc({ reason: 'no_package' });
    throw new NoActivePackageError();
  }
  const price = await sold(deps, entitlement, request.model);
  const session = conversationOf(req.headers, request.promptCacheKey);
  const affinity = await deps.affinity.lookup(auth.userId, session, request.previousResponseId);
  if (affinity.foreign) {
    throw new BadRequestError(`Previous response with id '${request.previousResponseId}' not found.`, 'previous_response_not_found', 'previous_response_id');
  }
  // All the request can cost: its prompt with the conversation it continues, and the most it may write (reasoning included).
  const estimate = {
    promptTokens: request.promptEstimate + affinity.contextTokens,
    outputTokens: outputReserve(request, price.maxOutputTokens, deps.completionTokenEstimate),
  };
  const reservation = await deps.quota.reserve({
    userId: auth.userId,
    keyId: auth.keyId,
    day,
    entitlement,
    estimate: estimate.promptTokens + estimate.outputTokens,
    estimateCredits: costMicros(price, { promptTokens: estimate.promptTokens, cachedTokens: 0, completionTokens: estimate.outputTokens }),
    stream: request.stream,
    requestId: res.locals.requestId as string,
  });
  return { reservation, price, estimate, affinity };
}
