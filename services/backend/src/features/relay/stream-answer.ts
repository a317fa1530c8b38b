import type { Response } from 'express';
import { UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ChannelReply } from '../channels/channel-sender.js';
import { CLIENT_CLOSED, CUT, NOT_SERVED, SERVED, type Settlement } from './settlement.js';
import { SseRelay, type StreamEnd } from './sse-relay.js';

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

/**
 * Writes one piece of an answer relayed as it comes (an event stream, audio). The first
 * sends the status and headers, asks nginx not to buffer, and is timed as the first byte.
 */
export function sendPiece(
  deps: { metrics: Metrics },
  res: Response,
  piece: string | Buffer,
  answer: { status: number; headers: Record<string, string>; api: string; started: number },
): Promise<void> | undefined {
  if (!res.headersSent) {
    res.status(answer.status).set(answer.headers).set('x-accel-buffering', 'no');
    deps.metrics.gateway.timeToFirstByte.observe({ api: answer.api, stream: 'true' }, (Date.now() - answer.started) / 1000);
  }
  return write(res, piece);
}

/**
 * A streamed answer, relayed event by event in the adapter's protocol; its terminal event
 * is recorded before it is sent. A stream the upstream breaks off does not count as a
 * request and is billed only for what reached the client; the client gets a terminal
 * error event (or a plain 502 if nothing was sent yet).
 */
export async function relayStream(
  deps: { metrics: Metrics; logger: Logger },
  res: Response,
  s: {
    answer: ChannelReply;
    headers: Record<string, string>;
    bill: Settlement;
    api: string;
    upstreamTimer: (labels: { outcome: string }) => void;
  },
): Promise<void> {
  const { bill } = s;
  const { hangUp, meter } = bill;
  const relay = new SseRelay(bill.admitted.request.openStream(meter));
  // Output tokens the request reserved: once its client has left, no more is read.
  const outputBound = bill.admitted.estimate.outputTokens;
  const requestId = bill.admitted.requestId;
  // Headers leave with the first whole event: an upstream that fails before one gets a plain error answer.
  const send = (text: string) => (text ? sendPiece(deps, res, text, { status: 200, headers: s.headers, api: s.api, started: bill.started }) : undefined);
  const ended = (end: StreamEnd) => bill.finish(end === 'completed' ? 200 : 502, end === 'completed' ? SERVED : NOT_SERVED);

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
        if (hangUp.left) {
          // Read on for the books only, as far as the reservation covers (hang-up.ts).
          if (meter.generated > outputBound) hangUp.cutShort();
          if (hangUp.cut) break;
          continue;
        }
        await send(events);
      }
      relay.close();
    } catch (err) {
      if (!hangUp.cut) broken = (err as Error).message;
    }
    if (relay.end === 'completed') {
      s.upstreamTimer({ outcome: 'ok' });
      await ended('completed');
      res.end();
      return;
    }
    if (hangUp.cut) {
      s.upstreamTimer({ outcome: 'cut' });
      await bill.finish(CLIENT_CLOSED, CUT);
      return;
    }
    // The upstream failed this answer: not counted as a request, billed for what was delivered.
    s.upstreamTimer({ outcome: 'broken' });
    deps.logger.warn(
      {
        requestId,
        channel: s.answer.channel,
        reason: relay.end === 'failed' ? 'upstream reported a failure' : (broken ?? 'ended without its terminal event'),
      },
      'upstream stream failed',
    );
    await ended('failed');
    if (hangUp.left) return;
    if (!res.headersSent) throw new UpstreamError(502, 'The upstream provider broke off the answer before it began.');
    if (relay.end !== 'failed') await send(relay.failureEvent('The upstream provider broke off the answer; it was not counted against your limits.'));
    res.end();
  } finally {
    bill.abort.abort();
    deps.metrics.gateway.activeStreams.dec();
  }
}
