import express, { Router, type Request, type Response } from 'express';
import { BadRequestError, ForbiddenError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import { businessDay } from '../quota/business-day.js';
import type { QuotaService } from '../quota/quota-service.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { relayMetered, relayPlain } from './relay-exchange.js';
import type { ApiKind } from './usage-meter.js';
import type { UpstreamClient } from './upstream-client.js';

export interface RelayDeps {
  upstream: UpstreamClient;
  entitlements: EntitlementService;
  quota: QuotaService;
  recorder: UsageRecorder;
  metrics: Metrics;
  logger: Logger;
  bodyLimitBytes: number;
  timeZone: string;
  completionTokenEstimate: number;
}

/** The OpenAI-compatible routes: checked against the caller's package, relayed, metered. */
export function createRelayRoutes(deps: RelayDeps): Router {
  const router = Router();
  const json = express.json({ limit: deps.bodyLimitBytes, type: () => true });

  router.get('/models', (_req, res) => relayPlain(deps, res, '/models'));
  router.post('/chat/completions', json, (req, res) => handle(req, res, 'chat', '/chat/completions', chatBody(req.body)));
  router.post('/responses', json, (req, res) => handle(req, res, 'responses', '/responses', requireModel(req.body)));

  async function handle(req: Request, res: Response, kind: ApiKind, path: string, body: Record<string, unknown>) {
    const auth = res.locals.auth as ApiKeyAuth;
    const day = businessDay(deps.timeZone);
    const entitlement = await deps.entitlements.active(auth.userId, day);
    if (!entitlement) {
      deps.metrics.gateway.quotaRejections.inc({ reason: 'no_package' });
      throw new ForbiddenError('This key has no active package today: buy or redeem one to use the API.', 'no_active_package');
    }
    // About four characters a token: the prompt's share of the body, before the upstream says.
    const promptEstimate = Math.ceil(Number(req.get('content-length') ?? JSON.stringify(body).length) / 4);
    const maxOutput = kind === 'chat' ? (body.max_completion_tokens ?? body.max_tokens) : body.max_output_tokens;
    const estimate = promptEstimate + (isPositiveInt(maxOutput) ? maxOutput : deps.completionTokenEstimate);
    const reservation = await deps.quota.reserve({ userId: auth.userId, keyId: auth.keyId, day, entitlement, estimate });
    await relayMetered(deps, res, { kind, path, body, auth, day, reservation, promptEstimate, stream: body.stream === true });
  }

  return router;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

function requireModel(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('Request body must be a JSON object.', 'invalid_body');
  }
  const record = body as Record<string, unknown>;
  if (typeof record.model !== 'string' || record.model.length === 0) {
    throw new BadRequestError('"model" is required and must be a string.', 'missing_model');
  }
  if (record.stream !== undefined && typeof record.stream !== 'boolean') {
    throw new BadRequestError('"stream" must be a boolean.', 'invalid_stream');
  }
  for (const field of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
    if (record[field] !== undefined && record[field] !== null && !isPositiveInt(record[field])) {
      throw new BadRequestError(`"${field}" must be a positive integer.`, 'invalid_max_tokens');
    }
  }
  return record;
}

/** Chat streams ask the upstream for a closing usage chunk, so every stream can be metered. */
function chatBody(body: unknown): Record<string, unknown> {
  const record = requireModel(body);
  if (!Array.isArray(record.messages)) {
    throw new BadRequestError('"messages" is required and must be an array.', 'missing_messages');
  }
  if (record.stream === true) {
    const options = typeof record.stream_options === 'object' && record.stream_options ? record.stream_options : {};
    return { ...record, stream_options: { ...options, include_usage: true } };
  }
  return record;
}
