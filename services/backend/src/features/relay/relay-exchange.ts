import type { Response } from 'express';
import { HttpError } from '../../infra/errors.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { Reservation } from '../quota/quota-service.js';
import type { RelayDeps } from './relay-routes.js';
import { UsageMeter, type ApiKind } from './usage-meter.js';
import type { UpstreamResponse } from './upstream-client.js';

// Hop-by-hop and length headers are Node's to set; everything else the upstream says passes on.
const SKIPPED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date', 'server', 'x-request-id']);
const CLIENT_CLOSED = 499;

interface Exchange {
  kind: ApiKind;
  path: string;
  body: Record<string, unknown>;
  auth: ApiKeyAuth;
  day: string;
  reservation: Reservation;
  promptEstimate: number;
  stream: boolean;
}

function copyHeaders(res: Response, answer: UpstreamResponse) {
  res.status(answer.status);
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value !== undefined && !SKIPPED_HEADERS.has(name)) res.setHeader(name, value);
  }
}

/** Writes with back-pressure; resolves at once if the client has gone. */
function write(res: Response, chunk: Buffer): Promise<void> | undefined {
  if (res.destroyed || res.write(chunk)) return undefined;
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

/**
 * One metered exchange with the upstream. The usage record is written (and the quota
 * settled) before the last byte reaches the client: a client that saw a complete answer
 * was billed for it, even if this process dies a moment later.
 */
export async function relayMetered(deps: RelayDeps, res: Response, x: Exchange): Promise<void> {
  const started = Date.now();
  const requestId = res.locals.requestId as string;
  const meter = new UsageMeter(x.kind, x.promptEstimate);
  const abort = new AbortController();
  let settled: Promise<void> | undefined;

  /** Settles the reservation and records the request, once. */
  const finish = (statusCode: number, billed: boolean): Promise<void> => {
    settled ??= (async () => {
      const usage = billed ? meter.usage() : { promptTokens: 0, completionTokens: 0 };
      deps.metrics.gateway.tokens.inc({ kind: 'prompt' }, usage.promptTokens);
      deps.metrics.gateway.tokens.inc({ kind: 'completion' }, usage.completionTokens);
      const results = await Promise.allSettled([
        deps.quota.settle(x.reservation, usage, !billed),
        deps.recorder.record({
          requestId,
          userId: x.auth.userId,
          apiKeyId: x.auth.keyId,
          model: String(x.body.model),
          promptTokens: usage.promptTokens,
          completionTokens: usage.completionTokens,
          statusCode,
          latencyMs: Date.now() - started,
          stream: x.stream,
          createdAt: started,
          usageDate: x.day,
          billed,
          requestCounted: x.reservation.mode === 'postgres',
        }),
      ]);
      for (const r of results) if (r.status === 'rejected') deps.logger.error({ err: (r.reason as Error).message, requestId }, 'usage settlement failed');
    })();
    return settled;
  };

  let answered = false;
  res.once('close', () => {
    if (res.writableFinished) return;
    // The client left: stop the upstream, bill what it was sent (nothing if no answer had begun).
    abort.abort();
    void finish(CLIENT_CLOSED, answered);
  });

  let answer: UpstreamResponse;
  const upstreamTimer = deps.metrics.gateway.upstreamDuration.startTimer({ api: x.kind });
  try {
    answer = await deps.upstream.send('POST', x.path, x.body, abort.signal, requestId);
  } catch (err) {
    upstreamTimer({ outcome: 'error' });
    if (abort.signal.aborted) return;
    await finish(err instanceof HttpError ? err.status : 502, false);
    throw err;
  }
  answered = answer.status < 300;
  copyHeaders(res, answer);

  if (!answered || !x.stream) {
    // Errors and JSON answers are small: read whole, recorded, then sent.
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of answer.body) chunks.push(chunk);
    } catch (err) {
      upstreamTimer({ outcome: 'broken' });
      if (abort.signal.aborted) return;
      await finish(502, false);
      throw new HttpError(502, 'The upstream answer broke off.', 'upstream_error', 'upstream_broken');
    }
    upstreamTimer({ outcome: answered ? 'ok' : `http_${answer.status}` });
    const body = Buffer.concat(chunks);
    if (answered) meter.observeJson(body.toString('utf8'));
    await finish(answer.status, answered);
    deps.metrics.gateway.timeToFirstByte.observe({ api: x.kind, stream: 'false' }, (Date.now() - started) / 1000);
    res.end(body);
    return;
  }

  // A stream: every chunk goes out as it arrives; nginx must not buffer it either.
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  deps.metrics.gateway.activeStreams.inc();
  let first = true;
  try {
    for await (const chunk of answer.body) {
      if (res.destroyed) break;
      meter.observeStreamChunk(chunk);
      if (UsageMeter.isTerminal(chunk)) await finish(answer.status, true);
      if (first) {
        deps.metrics.gateway.timeToFirstByte.observe({ api: x.kind, stream: 'true' }, (Date.now() - started) / 1000);
        first = false;
      }
      await write(res, chunk);
    }
    upstreamTimer({ outcome: 'ok' });
    await finish(answer.status, true);
    res.end();
  } catch (err) {
    upstreamTimer({ outcome: 'broken' });
    if (!abort.signal.aborted) {
      deps.logger.warn({ err: (err as Error).message, requestId }, 'upstream stream broke off');
      await finish(502, true);
      res.destroy();
    }
  } finally {
    deps.metrics.gateway.activeStreams.dec();
  }
}

/** An unmetered pass-through (the model list). */
export async function relayPlain(deps: RelayDeps, res: Response, path: string): Promise<void> {
  const abort = new AbortController();
  res.once('close', () => abort.abort());
  const answer = await deps.upstream.send('GET', path, undefined, abort.signal, res.locals.requestId as string);
  copyHeaders(res, answer);
  const chunks: Buffer[] = [];
  for await (const chunk of answer.body) chunks.push(chunk);
  res.end(Buffer.concat(chunks));
}
