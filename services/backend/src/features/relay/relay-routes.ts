import express, { Router, type Request, type Response } from 'express';
import { NotFoundError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import { businessDay } from '../quota/business-day.js';
import { NoActivePackageError } from '../quota/quota-errors.js';
import type { QuotaService } from '../quota/quota-service.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { relayMetered, relayPlain } from './relay-exchange.js';
import { readRelayRequest } from './relay-request.js';
import type { UpstreamClient } from './upstream-client.js';
import type { ApiKind } from './usage-meter.js';

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
  // Any content type and every encoding express decodes (gzip, deflate, br): the
  // estimate below is taken from the decoded body, never from its size on the wire.
  const json = express.json({ limit: deps.bodyLimitBytes, type: () => true });

  router.get('/models', (_req, res) => relayPlain(deps, res, '/models'));
  router.get('/models/:model', (req, res) => {
    const model = String(req.params.model);
    if (!deps.upstream.serves(model)) throw new NotFoundError(`The model '${model.slice(0, 256)}' does not exist.`, 'model_not_found', 'model');
    return relayPlain(deps, res, '/models/{model}', model);
  });
  router.post('/chat/completions', json, (req, res) => handle(req, res, 'chat', '/chat/completions'));
  router.post('/responses', json, (req, res) => handle(req, res, 'responses', '/responses'));

  async function handle(req: Request, res: Response, kind: ApiKind, path: string) {
    const request = readRelayRequest(kind, req.body, deps.completionTokenEstimate);
    const auth = res.locals.auth as ApiKeyAuth;
    const day = businessDay(deps.timeZone);
    const entitlement = await deps.entitlements.active(auth.userId, day);
    if (!entitlement) {
      deps.metrics.gateway.quotaRejections.inc({ reason: 'no_package' });
      throw new NoActivePackageError();
    }
    const reservation = await deps.quota.reserve({
      userId: auth.userId,
      keyId: auth.keyId,
      day,
      entitlement,
      estimate: request.promptEstimate + request.outputEstimate,
    });
    await relayMetered(deps, res, { path, request, auth, day, reservation });
  }

  return router;
}
