import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Metrics } from '../../infra/metrics.js';
import { type Access, createRouter, route } from '../../infra/routes.js';
import type { ChannelSender } from '../channels/channel-sender.js';
import { readBounded } from '../channels/channel-transport.js';
import { keyCaller } from '../keys/api-key-auth.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import { businessDay } from '../../domain/business-day.js';
import { entitledTo } from './admission.js';
import { anthropicMessages } from './anthropic-messages-adapter.js';
import { createBodyReader } from './json-body.js';
import { modelDoc, readOpenAiRequest } from './relay-request.js';
import { clientHeaders } from './upstream-errors.js';

interface Deps {
  entitlements: Pick<EntitlementService, 'active'>;
  catalogue: Pick<ModelCatalogue, 'resolve'>;
  channels: Pick<ChannelSender, 'send'>;
  metrics: Metrics;
  access: Access;
  bodyLimitBytes: number;
  timeZone: string;
}

/**
 * `POST /v1/messages/count_tokens`: how many input tokens a Messages request would be, as
 * the upstream counts them. Free, as Anthropic's is: not metered and not billed, but only
 * for a key with a package in effect and a model it may use (the operator's upstream
 * account answers it).
 */
export function createAnthropicRoutes(deps: Deps): Router {
  const router = createRouter();
  const readBody = createBodyReader(deps.bodyLimitBytes);
  const spec = {
    access: deps.access,
    summary: "How many input tokens a message would be (Anthropic's count_tokens); not billed",
    body: z.looseObject({ model: modelDoc, messages: z.array(z.unknown()), system: z.unknown().optional(), tools: z.array(z.unknown()).optional() }),
    ownBody: true,
  };
  route(router, 'post', '/messages/count_tokens', spec, async (_in, res: Response, req: Request) => {
    const { userId } = keyCaller(res);
    const decoded = await readBody(req, res);
    const { model, body } = readOpenAiRequest(decoded?.json, decoded?.bytes);
    await entitledTo(deps, userId, businessDay(deps.timeZone), model);
    const requestId = res.locals.requestId as string;
    const conversation = { userId, contextTokens: 0, affinity: { pinned: false } };
    const answer = await deps.channels.send({
      conversation,
      path: '/messages/count_tokens',
      model,
      body,
      clientHeaders: req.headers,
      signal: AbortSignal.timeout(60_000),
      requestId,
    });
    // A count is a small JSON object: what is past the bound is not read.
    const raw = await readBounded(answer.body);
    if (answer.status >= 300) {
      const error = anthropicMessages.clientError(answer.status, raw.toString('utf8'), answer.refusal, requestId);
      res.status(error.status).json(error.body);
      return;
    }
    res.status(answer.status).set(clientHeaders(answer.headers)).end(raw);
  });
  return router;
}
