import type { ServerResponse } from 'node:http';
import { isGone, sleep } from './http-util.js';
import { stampProcessingTime } from './openai-headers.js';

/**
 * An answer written in pieces as they are "generated": SSE events (sse-stream.ts)
 * or audio (speech.ts). Every piece is a separate res.write so it reaches the
 * socket immediately, `chunkDelayMs` apart; the gateway's time-to-first-byte
 * depends on that.
 */
export class ResponseStream {
  private sentAny = false;

  constructor(
    protected readonly res: ServerResponse,
    private readonly chunkDelayMs: number,
  ) {}

  /** Sends the status and headers at once; without a content-length the body goes out chunked. */
  begin(headers: Record<string, string>): void {
    stampProcessingTime(this.res);
    this.res.writeHead(200, headers);
    this.res.flushHeaders();
  }

  /** Writes one piece; resolves false once the client is gone so callers can stop. */
  async write(piece: string | Buffer): Promise<boolean> {
    if (this.sentAny) await sleep(this.chunkDelayMs, this.res);
    if (isGone(this.res)) return false;
    this.sentAny = true;
    if (!this.res.write(piece)) await this.drained();
    return !isGone(this.res);
  }

  end(): void {
    if (!isGone(this.res)) this.res.end();
  }

  /** Simulates an upstream dying mid-answer: no proper end, just a reset socket. */
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
