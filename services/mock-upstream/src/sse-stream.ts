import type { ServerResponse } from 'node:http';
import { ResponseStream } from './response-stream.js';

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

/** One SSE stream: each event is one piece of a ResponseStream. */
export class SseStream extends ResponseStream {
  private readonly eol: string;
  private readonly separator: string;

  constructor(res: ServerResponse, chunkDelayMs: number, framing: SseFraming = DEFAULT_FRAMING) {
    super(res, chunkDelayMs);
    this.eol = framing.crlf ? '\r\n' : '\n';
    this.separator = framing.nospace ? ':' : ': ';
  }

  open(connection: 'keep-alive' | 'close' = 'keep-alive'): void {
    this.begin({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection });
  }

  /** An upstream that gives up before the first event: a complete but empty body, then the connection closes. */
  closeEmpty(): void {
    this.open('close');
    this.res.end();
  }

  /** Writes one event; resolves false once the client is gone so callers can stop. */
  send(data: string, event?: string): Promise<boolean> {
    const { eol, separator } = this;
    const dataLine = `data${separator}${data}${eol}`;
    return this.write(event === undefined ? `${dataLine}${eol}` : `event${separator}${event}${eol}${dataLine}${eol}`);
  }
}
