import type { IncomingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { HttpError, UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ChannelReply, ChannelSender, Conversation } from '../channels/channel-sender.js';
import type { ApiAdapter } from './api-adapter.js';
import { relayBinary } from './binary-answer.js';
import { CLIENT_CLOSED, CUT, NOT_SERVED, SERVED, type Settlement } from './settlement.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { relayStream } from './stream-answer.js';
import { type ClientError, clientHeaders } from './upstream-errors.js';

/** An upstream error answer is small; anything past this is not read. */
const MAX_ERROR_BODY = 64 * 1024;

export interface AnswerDeps {
  channels: Pick<ChannelSender, 'send'>;
  metrics: Metrics;
  logger: Logger;
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
async function readUpstreamError(deps: AnswerDeps, adapter: ApiAdapter, answer: ChannelReply, requestId: string): Promise<ClientError> {
  const raw = await readAll(answer.body, MAX_ERROR_BODY).catch(() => Buffer.alloc(0));
  const error = adapter.clientError(answer.status, raw.toString('utf8'), answer.refusal, requestId);
  if (error.cause) deps.logger.error({ channel: answer.channel, requestId, cause: error.cause }, "upstream refused the gateway; check the channel's API key");
  return error;
}

/**
 * An admitted request, sent and answered; `bill` settles and records it:
 *   1. send it to the channels (they fail over between them before any answer);
 *   2. an upstream error answer is not charged, and reaches the customer without the
 *      operator's secrets;
 *   3. a JSON answer is metered and recorded, then sent;
 *   4. a stream is relayed event by event (stream-answer.ts); its terminal event is
 *      recorded before it is sent.
 * A client that leaves does not stop the upstream: its answer is read on, bounded, and
 * billed at the usage the upstream reports (hang-up.ts), recorded with status 499.
 */
export async function relayAnswer(
  deps: AnswerDeps,
  res: Response,
  adapter: ApiAdapter,
  bill: Settlement,
  to: { conversation: Conversation; clientHeaders: IncomingHttpHeaders },
): Promise<void> {
  const { request, requestId } = bill.admitted;
  const { hangUp } = bill;
  res.once('close', () => {
    if (!res.writableFinished && !bill.done) hangUp.clientLeft();
  });

  // 1. The channels.
  const upstreamTimer = deps.metrics.gateway.upstreamDuration.startTimer({ api: adapter.api });
  let answer: ChannelReply;
  try {
    answer = await deps.channels.send({
      conversation: to.conversation,
      path: adapter.path,
      model: request.model,
      body: request.body,
      clientHeaders: to.clientHeaders,
      signal: bill.abort.signal,
      requestId,
    });
  } catch (err) {
    upstreamTimer({ outcome: 'error' });
    // Cut at the hang-up bound before any answer: the upstream may have begun (and charged).
    if (hangUp.cut) return bill.finish(CLIENT_CLOSED, CUT);
    await bill.finish(err instanceof HttpError ? err.status : 502, NOT_SERVED);
    throw err;
  }

  bill.servedBy = answer;
  // What is left of the customer's limits, in the API's own headers, on every answer.
  const limits = rateLimitHeaders(bill.admitted.headroom, adapter.dialect);
  // 2. An error answer.
  if (answer.status >= 300) {
    upstreamTimer({ outcome: `http_${answer.status}` });
    const error = await readUpstreamError(deps, adapter, answer, requestId);
    await bill.finish(error.status, NOT_SERVED);
    res.status(error.status).set(limits).json(error.body);
    return;
  }
  const headers = { ...clientHeaders(answer.headers), ...limits };

  // 3. A binary answer (speech): relayed as it comes.
  if (request.binary) return relayBinary(deps, res, { answer, headers, bill, api: adapter.api, upstreamTimer });

  // 4. A JSON answer (also what an upstream sends when it does not stream after all).
  if (!request.stream || !String(answer.headers['content-type'] ?? '').includes('text/event-stream')) {
    let body: Buffer;
    try {
      body = await readAll(answer.body);
    } catch {
      upstreamTimer({ outcome: 'broken' });
      if (hangUp.cut) return bill.finish(CLIENT_CLOSED, CUT);
      await bill.finish(502, NOT_SERVED);
      throw new UpstreamError(502, 'The upstream answer broke off.');
    }
    upstreamTimer({ outcome: 'ok' });
    adapter.meterJson(body.toString('utf8'), bill.meter);
    await bill.finish(answer.status, SERVED);
    deps.metrics.gateway.timeToFirstByte.observe({ api: adapter.api, stream: 'false' }, (Date.now() - bill.started) / 1000);
    res.status(answer.status).set(headers).end(body);
    return;
  }

  // 5. A stream.
  await relayStream(deps, res, { answer, headers, bill, api: adapter.api, upstreamTimer });
}
