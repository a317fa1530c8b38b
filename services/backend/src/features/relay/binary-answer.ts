import type { Response } from 'express';
import { UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import type { ChannelReply } from '../channels/channel-sender.js';
import { CLIENT_CLOSED, CUT, NOT_SERVED, SERVED, type Settlement } from './settlement.js';
import { sendPiece } from './stream-answer.js';

/**
 * A binary answer (speech), relayed chunk by chunk as the upstream sends it, never held
 * whole. Its bill is settled before its last chunk leaves: each chunk is held until the next
 * arrives, so the one that ends the answer goes out after the books. An answer the upstream
 * breaks off is not billed (the connection is cut: audio has no error event); one its client
 * leaves is, the upstream having spoken it.
 */
export async function relayBinary(
  deps: { metrics: Metrics; logger: Logger },
  res: Response,
  s: { answer: ChannelReply; headers: Record<string, string>; bill: Settlement; api: string; upstreamTimer: (labels: { outcome: string }) => void },
): Promise<void> {
  const { bill } = s;
  let held: Buffer | undefined;
  const send = (chunk: Buffer) => sendPiece(deps, res, chunk, { status: s.answer.status, headers: s.headers, api: s.api, started: bill.started });
  try {
    for await (const chunk of s.answer.body) {
      if (bill.hangUp.left) break;
      if (held) await send(held);
      held = chunk;
    }
  } catch (err) {
    if (!bill.hangUp.left) {
      s.upstreamTimer({ outcome: 'broken' });
      deps.logger.warn({ requestId: bill.admitted.requestId, channel: s.answer.channel, reason: (err as Error).message }, 'upstream audio failed');
      await bill.finish(502, NOT_SERVED);
      if (!res.headersSent) throw new UpstreamError(502, 'The upstream provider broke off the audio before it began; it was not billed.');
      res.destroy();
      return;
    }
  } finally {
    bill.abort.abort();
  }
  if (bill.hangUp.left) {
    s.upstreamTimer({ outcome: 'cut' });
    await bill.finish(CLIENT_CLOSED, CUT);
    return;
  }
  s.upstreamTimer({ outcome: 'ok' });
  await bill.finish(s.answer.status, SERVED);
  if (held) await send(held);
  else if (!res.headersSent) res.status(s.answer.status).set(s.headers);
  res.end();
}
