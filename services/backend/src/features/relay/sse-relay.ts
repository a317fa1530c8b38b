import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/**
 * The relay of one server-sent event stream. The upstream's bytes go through a standard
 * SSE parser (any valid framing: LF, CRLF or CR line ends, `data:` with or without its
 * space), and only whole events go on to the client, so that a stream the upstream
 * breaks off can still be closed with a well-formed error event. What the events mean
 * (usage, the terminal event, what the client did not ask for) is the API's protocol:
 * its adapter's StreamProtocol reads each event.
 */

export type { EventSourceMessage };

/** How a stream ended: the upstream's answer completed, or the upstream reported a failure. */
export type StreamEnd = 'completed' | 'failed';

/** An API's reading of its answer streams (one per stream). */
export interface StreamProtocol {
  /** Set once the upstream's terminal event went by. */
  end: StreamEnd | undefined;
  /** One whole event of the upstream's: meters it, and returns what the client gets of it (framed; '' for nothing). */
  event(e: EventSourceMessage): string;
  /** The upstream's stream ended without an error and with its framing whole. */
  closed(): void;
  /** The event that tells the client the upstream broke off, in its API's own protocol. */
  failureEvent(message: string): string;
}

/** The longest event held while it arrives (a response.completed carries the whole answer). */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/** An event as SSE writes it. */
export function frame(e: EventSourceMessage): string {
  let text = e.event ? `event: ${e.event}\n` : '';
  if (e.id !== undefined) text += `id: ${e.id}\n`;
  if (!e.data.includes('\n')) return `${text}data: ${e.data}\n\n`;
  for (const line of e.data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

export class SseRelay {
  /** The upstream broke the framing (an event past MAX_EVENT_CHARS): nothing more is relayed. */
  overflow = false;
  private out = '';
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;

  constructor(private readonly protocol: StreamProtocol) {
    this.parser = createParser({
      onEvent: (e) => {
        this.out += protocol.event(e);
      },
      onComment: (comment) => {
        this.out += `:${comment}\n\n`;
      },
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.overflow = true;
      },
      maxBufferSize: MAX_EVENT_CHARS,
    });
  }

  /** Set once the upstream's terminal event went by. */
  get end(): StreamEnd | undefined {
    return this.protocol.end;
  }

  /** Feeds a chunk of the upstream's stream; returns the whole events to send to the client. */
  push(chunk: Buffer): string {
    if (!this.overflow) this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    const out = this.out;
    this.out = '';
    return out;
  }

  /** The upstream's stream ended without an error. */
  close(): void {
    if (!this.overflow) this.protocol.closed();
  }

  failureEvent(message: string): string {
    return this.protocol.failureEvent(message);
  }
}
