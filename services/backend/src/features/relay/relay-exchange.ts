import type { Response } from 'express';
import { HttpError, UpstreamError } from '../../infra/errors.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { Affinity } from '../channels/session-affinity.js';
import type { ModelPrice } from '../models/model-catalogue.js';
import { costMicros } from '../../domain/money.js';
import type { Reservation } from '../quota/quota-types.js';
import type { RelayRequest } from './relay-request.js';
import type { RelayDeps } from './relay-routes.js';
import { HangUp } from './hang-up.js';
import { SseRelay } from './sse-relay.js';
import { type ClientError, clientError, clientHeaders } from './upstream-errors.js';
import type { UpstreamResponse } from './upstream-client.js';
import { UsageMeter } from './usage-meter.js';

const CLIENT_CLOSED = 499;
/** An upstream error answer is small; anything past this is not read. */
const MAX_ERROR_BODY = 64 * 1024;

interface Exchange {
  path: '/chat/completions' | '/responses';
  request: RelayRequest;
  auth: ApiKeyAuth;
  day: string;
  reservation: Reservation;
  /** The catalogue's price of the model (a model without one is not served). */
  price: ModelPrice;
  /** What the request reserved: its prompt (with the conversation it continues) and the most output it may write. */
  estimate: { promptTokens: number; outputTokens: number };
  affinity: Affinity;
  /** Client headers for the upstream (the allow-list). */
  headers: Record<string, string>;
}

/**
 * What a finished request is charged, when the upstream reported no usage: the request
 * itself (daily request limit), the prompt estimate, the output reserved (an answer the
 * gateway cut off after its client left: hang-up.ts).
 */
interface Charge {
  request: boolean;
  prompt: boolean;
  reserve: boolean;
}
const SERVED: Charge = { request: true, prompt: true, reserve: false };
const NOT_SERVED: Charge = { request: false, prompt: false, reserve: false };
const CUT: Charge = { request: true, prompt: true, reserve: true };

/** Writes with back-pressure; resolves at once if the client has gone. */
function write(res: Response, data: string | Buffer): Promise<void> | undefined {
  if (res.destroyed || res.write(data)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function readAll(body: AsyncIterable<Buffer>, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk);
    size += chunk.length;
  }
  return Buffer.concat(chunks);
}

/** The customer's view of an upstream error answer (read up to MAX_ERROR_BODY); the operator's cause is logged. */
async function readUpstreamError(deps: RelayDeps, answer: UpstreamResponse, requestId: string): Promise<ClientError> {
  const raw = await readAll(answer.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0));
  const error = clientError(answer.status, raw.toString('utf8'), requestId);
  if (error.cause)
    deps.logger.error({ channel: answer.channel.name, requestId, cause: error.cause }, "upstream refused the gateway; check the channel's API key");
  return error;
}

/**
 * One metered request, from reservation to record:
 *   1. send it upstream (the client fails over between channels before any answer);
 *   2. an upstream error answer is not charged, and reaches the customer without the
 *      operator's secrets;
 *   3. a JSON answer is metered and recorded, then sent;
 *   4. a stream is relayed event by event; its terminal event is recorded before it is
 *      sent. A stream the upstream breaks off does not count as a request and is billed
 *      only for what reached the client; the client gets a terminal error event.
 * A client that leaves does not stop the upstream: its answer is read on, bounded, and
 * billed at the usage the upstream reports (hang-up.ts), recorded with status 499.
 */
export async function relayMetered(deps: RelayDeps, res: Response, x: Exchange): Promise<void> {
  const started = Date.now();
  const requestId = res.locals.requestId as string;
  const { kind, stream } = x.request;
  const meter = new UsageMeter();
  const abort = new AbortController();
  const hangUp = new HangUp(abort, deps.hangupReadTimeoutMs, deps.abandoned.reading);
  let settled: Promise<void> | undefined;
  let servedBy: UpstreamResponse['channel'] | undefined;

  /** Settles the reservation and records the request, once. */
  const finish = (statusCode: number, charge: Charge): Promise<void> => {
    settled ??= (async () => {
      hangUp.settling();
      const usage = meter.usage(x.estimate.promptTokens, { prompt: charge.prompt, reservedOutput: charge.reserve ? x.estimate.outputTokens : 0 });
      const cost = costMicros(x.price, usage);
      deps.metrics.gateway.tokens.inc({ kind: 'prompt' }, usage.promptTokens);
      deps.metrics.gateway.tokens.inc({ kind: 'completion' }, usage.completionTokens);
      if (servedBy && charge.request && meter.responseId) {
        // A continuation reads this whole conversation again as its prompt.
        deps.affinity.rememberResponse(x.auth.userId, meter.responseId, servedBy.key, usage.promptTokens + usage.completionTokens);
      }
      const results = await Promise.allSettled([
        deps.quota.settle(x.reservation, { ...usage, costMicros: cost }, !charge.request),
        deps.recorder.record({
          requestId,
          userId: x.auth.userId,
          apiKeyId: x.auth.keyId,
          model: x.request.model,
          promptTokens: usage.promptTokens,
          completionTokens: usage.completionTokens,
          cachedTokens: usage.cachedTokens,
          reasoningTokens: usage.reasoningTokens,
          costMicros: cost,
          channel: servedBy?.name ?? '',
          statusCode: hangUp.left ? CLIENT_CLOSED : statusCode,
          latencyMs: Date.now() - started,
          stream,
          createdAt: started,
          usageDate: x.day,
          billed: charge.request,
          requestCounted: x.reservation.inPostgres,
          refusal: '',
        }),
      ]);
      for (const r of results) if (r.status === 'rejected') deps.logger.error({ err: (r.reason as Error).message, requestId }, 'usage settlement failed');
      hangUp.done();
    })();
    return settled;
  };

  res.once('close', () => {
    if (!res.writableFinished && !settled) hangUp.clientLeft();
  });

  // 1. Upstream.
  const upstreamTimer = deps.metrics.gateway.upstreamDuration.startTimer({ api: kind });
  let answer: UpstreamResponse;
  try {
    answer = await deps.upstream.send({
      method: 'POST',
      path: x.path,
      body: x.request.body,
      model: x.request.model,
      headers: x.headers,
      affinity: x.affinity,
      signal: abort.signal,
      requestId,
    });
  } catch (err) {
    upstreamTimer({ outcome: 'error' });
    // Cut at the hang-up bound before any answer: the upstream may have begun (and charged).
    if (hangUp.cut) return finish(CLIENT_CLOSED, CUT);
    await finish(err instanceof HttpError ? err.status : 502, NOT_SERVED);
    throw err;
  }

  servedBy = answer.channel;
  // 2. An error answer.
  if (answer.status >= 300) {
    upstreamTimer({ outcome: `http_${answer.status}` });
    const error = await readUpstreamError(deps, answer, requestId);
    await finish(error.status, NOT_SERVED);
    res.status(error.status).json(error.body);
    return;
  }
  deps.affinity.remember(x.affinity, answer.channel.key);
  const headers = clientHeaders(answer.headers);

  // 3. A JSON answer (also what an upstream sends when it does not stream after all).
  if (!stream || !String(answer.headers['content-type'] ?? '').includes('text/event-stream')) {
    let body: Buffer;
    try {
      body = await readAll(answer.body);
    } catch {
      upstreamTimer({ outcome: 'broken' });
      if (hangUp.cut) return finish(CLIENT_CLOSED, CUT);
      await finish(502, NOT_SERVED);
      throw new UpstreamError(502, 'The upstream answer broke off.');
    }
    upstreamTimer({ outcome: 'ok' });
    meter.observeJson(body.toString('utf8'));
    await finish(answer.status, SERVED);
    deps.metrics.gateway.timeToFirstByte.observe({ api: kind, stream: 'false' }, (Date.now() - started) / 1000);
    res.status(answer.status).set(headers).end(body);
    return;
  }

  // 4. A stream.
  await relayStream(deps, res, {
    answer,
    headers,
    meter,
    abort,
    hangUp,
    outputBound: x.estimate.outputTokens,
    started,
    kind,
    stripUsage: kind === 'chat' && !x.request.clientWantsUsage,
    finish,
    upstreamTimer,
  });
}

async function relayStream(
  deps: RelayDeps,
  res: Response,
  s: {
    answer: UpstreamResponse;
    headers: Record<string, string>;
    meter: UsageMeter;
    abort: AbortController;
    hangUp: HangUp;
    /** Output tokens the request reserved: once its client has left, no more is read. */
    outputBound: number;
    started: number;
    kind: RelayRequest['kind'];
    stripUsage: boolean;
    finish: (statusCode: number, charge: Charge) => Promise<void>;
    upstreamTimer: (labels: { outcome: string }) => void;
  },
): Promise<void> {
  const relay = new SseRelay(s.kind, s.meter, s.stripUsage);
  const requestId = res.locals.requestId as string;
  // Headers leave with the first whole event: an upstream that fails before one gets a plain error answer.
  const send = (text: string) => {
    if (!text) return undefined;
    if (!res.headersSent) {
      res.status(200).set(s.headers).set('x-accel-buffering', 'no');
      deps.metrics.gateway.timeToFirstByte.observe({ api: s.kind, stream: 'true' }, (Date.now() - s.started) / 1000);
    }
    return write(res, text);
  };
  const ended = (end: typeof relay.end) => s.finish(end === 'completed' ? 200 : 502, end === 'completed' ? SERVED : NOT_SERVED);

  deps.metrics.gateway.activeStreams.inc();
  try {
    let broken: string | undefined;
    try {
      for await (const chunk of s.answer.body) {
        const events = relay.push(chunk);
        // The books first: a client that saw the end of its answer has been billed for it.
        if (relay.end) await ended(relay.end);
        if (relay.overflow) {
          broken = 'an event larger than the relay holds';
          break;
        }
        if (s.hangUp.left) {
          // Read on for the books only, as far as the reservation covers (hang-up.ts).
          if (s.meter.generated > s.outputBound) s.hangUp.cutShort();
          if (s.hangUp.cut) break;
          continue;
        }
        await send(events);
      }
      relay.close();
    } catch (err) {
      if (!s.hangUp.cut) broken = (err as Error).message;
    }
    if (relay.end === 'completed') {
      s.upstreamTimer({ outcome: 'ok' });
      await ended('completed');
      res.end();
      return;
    }
    if (s.hangUp.cut) {
      s.upstreamTimer({ outcome: 'cut' });
      await s.finish(CLIENT_CLOSED, CUT);
      return;
    }
    // The upstream failed this answer: not counted as a request, billed for what was delivered.
    s.upstreamTimer({ outcome: 'broken' });
    deps.logger.warn(
      {
        requestId,
        channel: s.answer.channel.name,
        reason: relay.end === 'failed' ? 'upstream reported a failure' : (broken ?? 'ended without its terminal event'),
      },
      'upstream stream failed',
    );
    await ended('failed');
    if (s.hangUp.left) return;
    if (!res.headersSent) throw new UpstreamError(502, 'The upstream provider broke off the answer before it began.');
    if (relay.end !== 'failed') await send(relay.failureEvent('The upstream provider broke off the answer; it was not counted against your limits.'));
    res.end();
  } finally {
    s.abort.abort();
    deps.metrics.gateway.activeStreams.dec();
  }
}
