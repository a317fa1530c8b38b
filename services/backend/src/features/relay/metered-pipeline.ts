import type { Request, Response } from 'express';
import { BadRequestError } from '../../infra/errors.js';
import { assignRequestId } from '../../infra/request-id.js';
import { refuseUnstorableText } from '../../infra/routes.js';
import { businessDay } from '../../domain/business-day.js';
import { type ApiKeyAuthenticator, refusedKeyOf } from '../keys/api-key-auth.js';
import type { RefusalRecorder } from '../usage/refusal-recorder.js';
import { type AdmissionDeps, admit } from './admission.js';
import type { ApiAdapter } from './api-adapter.js';
import { readForm } from './form-body.js';
import { createBodyReader } from './json-body.js';
import { type AnswerDeps, relayAnswer } from './relay-answer.js';
import { Settlement, type SettlementDeps } from './settlement.js';

export type MeteredDeps = AdmissionDeps &
  AnswerDeps &
  SettlementDeps & {
    authenticate: ApiKeyAuthenticator;
    /** Refusals before the upstream (401, 403, 429), into the same books. */
    refusals: Pick<RefusalRecorder, 'refused'>;
    bodyLimitBytes: number;
    /** The largest upload (audio, images to edit). */
    uploadLimitBytes: number;
    timeZone: string;
  };

/**
 * The metered pipeline: every metered request, whatever its API, is opened and closed by
 * `serve`; the adapter (api-adapter.ts) answers only what its protocol decides.
 */
export function createMeteredPipeline(deps: MeteredDeps) {
  const readBody = createBodyReader(deps.bodyLimitBytes);
  const readJson = async (adapter: Extract<ApiAdapter, { parseForm?: undefined }>, req: Request, res: Response) => {
    const body = await readBody(req, res);
    return adapter.parse(body?.json, body?.bytes);
  };
  const readUpload = async (req: Request) => {
    const form = await readForm(req, deps.uploadLimitBytes);
    if (!form) throw new BadRequestError('This endpoint takes an upload: Content-Type must be multipart/form-data.', 'invalid_content_type');
    return form;
  };

  /** A refused key, recorded for its owner when it was issued (its body is not read), and handed back. */
  const keyRefused = (res: Response, err: unknown, startedAt: number) => {
    const owner = refusedKeyOf(err);
    const requestId = res.locals.requestId as string;
    deps.refusals.refused(err, {
      caller: owner && { userId: owner.userId, keyId: owner.keyId },
      code: owner?.code,
      requestId,
      model: '',
      stream: false,
      startedAt,
    });
    return err;
  };

  /** One metered request, from its first byte to its record, in the steps numbered below (every API alike). */
  return async function serve(adapter: ApiAdapter, route: string, req: Request, res: Response): Promise<void> {
    // 1. An id of the gateway's own; the request is counted under its route when it closes.
    assignRequestId(req, res);
    deps.metrics.observeHttp(req, res, () => route);
    const started = Date.now();

    // 2. The API key; a refusal is recorded for the key's owner.
    const auth = await deps.authenticate(req).catch((err: unknown) => {
      throw keyRefused(res, err, started);
    });

    // 3. The body, decoded, and the adapter's reading of it: the model, the stream flag, what
    //    to reserve. (The query string is nobody's business here, but text Postgres cannot
    //    store is refused on every route.)
    if (req.url.includes('?')) refuseUnstorableText({ query: req.query });
    const request = adapter.parseForm ? adapter.parseForm(await readUpload(req)) : await readJson(adapter, req, res);

    // 4. Admission: the plan in effect, the model sold, the conversation's channel, every
    //    limit reserved at once for all the request can cost; a refusal is recorded.
    const requestId = res.locals.requestId as string;
    const admitting = Date.now();
    const admitted = await admit(deps, { auth, day: businessDay(deps.timeZone), requestId, clientHeaders: req.headers }, request).catch((err: unknown) => {
      deps.refusals.refused(err, { caller: auth, requestId, model: request.model, stream: request.stream, startedAt: admitting });
      throw err;
    });

    // 5. The settlement: whatever happens next, it settles the reservation to the usage (or
    //    refunds it) and records the request, once, before the answer's last byte leaves.
    const bill = new Settlement(deps, admitted);

    // 6. Sent to the channels (failover, health and affinity are theirs), the answer relayed
    //    and metered by the adapter, and the settlement closed.
    await relayAnswer(deps, res, adapter, bill, { conversation: admitted.conversation, clientHeaders: req.headers });
  };
}
