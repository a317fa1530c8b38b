import type { ServerResponse } from 'node:http';
import { isGone, sleep } from './http-util.js';
import { stampProcessingTime } from './openai-headers.js';

/**
 * How events are written. Every variant is valid SSE (WHATWG HTML, "event stream
 * interpretation"), so a conforming client reads the same events from each; a
 * client that splits on "\n\n" or "data: " does not.
 */
export interface SseFraming {
  /** End lines with CRLF instead of LF. */
  crlf: boolean;
  /** Write `data:x` instead of `data: x` (the space after the colon is optional). */
  nospace: boolean;
}

export const DEFAULT_FRAMING: SseFraming = { crlf: false, nospace: false };

/**
 * One SSE stream. Every event is a separate res.write so it reaches the socket
 * immediately; the gateway's time-to-first-token depends on that.
 */
export class SseStream {
  private sentAny = false;
  private readonly eol: string;
  private readonly separator: string;

  constructor(
    private readonly res: ServerResponse,
    private readonly chunkDelayMs: number,
    framing: SseFraming = DEFAULT_FRAMING,
  ) {
    this.eol = framing.crlf ? '\r\n' : '\n';
    this.separator = framing.nospace ? ':' : ': ';
  }

  open(connection: 'keep-alive' | 'close' = 'keep-alive'): void {
    stampProcessingTime(this.res);
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection,
    });
    this.res.flushHeaders();
  }

  /** An upstream that gives up before the first event: a complete but empty body, then the connection closes. */
  closeEmpty(): void {
    this.open('close');
    this.res.end();
  }

  /** Writes one event; resolves false once the client is gone so callers can stop. */
  async send(data: string, event?: string): Promise<boolean> {
    if (this.sentAny) await sleep(this.chunkDelayMs, this.res);
    if (isGone(this.res)) return false;
    this.sentAny = true;
    const { eol, separator } = this;
    const dataLine = `data${separator}${data}${eol}`;
    const frame = event === undefined ? `${dataLine}${eol}` : `event${separator}${event}${eol}${dataLine}${eol}`;
    if (!this.res.write(frame)) await this.drained();
    return !isGone(this.res);
  }

  end(): void {
    if (!isGone(this.res)) this.res.end();
  }

  /** Simulates an upstream dying mid-answer: no terminator, no [DONE], just a reset socket. */
  drop(): void {
    if (isGone(this.res)) return;
    const socket = this.res.socket;
    if (!socket) return void this.res.destroy();
    // end() flushes what node:http has corked before closing; a bare destroy() would
    // discard those chunks and the client would see nothing at all.
    socket.end(() => socket.destroy());
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.once('drain', done);
      this.res.once('close', done);
    });
  }
}
