import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { isRecord, parseObject } from './json.js';
import { redactUpstreamText } from './upstream-errors.js';
import type { ApiKind, UsageMeter } from './usage-meter.js';

/**
 * The relay of one server-sent event stream. The upstream's bytes go through a standard
 * SSE parser (any valid framing: LF, CRLF or CR line ends, `data:` with or without its
 * space), and only whole events go on to the client, so that a stream the upstream
 * breaks off can still be closed with a well-formed error event. On the way it meters
 * usage, notices the terminal event, and removes what the client did not ask for (the
 * usage chunk of a chat stream that the gateway requested for its own books).
 */

/** How a stream ended: the upstream's answer completed, or the upstream reported a failure. */
export type StreamEnd = 'completed' | 'failed';

/** The longest event held while it arrives (a response.completed carries the whole answer). */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

function frame(e: EventSourceMessage): string {
  let text = e.event ? `event: ${e.event}\n` : '';
  if (e.id !== undefined) text += `id: ${e.id}\n`;
  if (!e.data.includes('\n')) return `${text}data: ${e.data}\n\n`;
  for (const line of e.data.split('\n')) text += `data: ${line}\n`;
  return `${text}\n`;
}

/** A chat chunk carries content for the client (text, a tool call, reasoning or a refusal). */
function carriesContent(chunk: Record<string, unknown>): boolean {
  if (!Array.isArray(chunk.choices)) return false;
  return chunk.choices.some((c) => {
    const delta = isRecord(c) && isRecord(c.delta) ? c.delta : undefined;
    if (!delta) return false;
    return (
      (typeof delta.content === 'string' && delta.content !== '') ||
      Array.isArray(delta.tool_calls) ||
      (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') ||
      (typeof delta.refusal === 'string' && delta.refusal !== '')
    );
  });
}

const finishes = (chunk: Record<string, unknown>): boolean =>
  Array.isArray(chunk.choices) && chunk.choices.some((c) => isRecord(c) && typeof c.finish_reason === 'string');

/** The type of a responses event: its SSE event name, or the JSON's leading "type". */
function eventType(e: EventSourceMessage): string {
  if (e.event) return e.event;
  const m = /^\{\s*"type"\s*:\s*"([^"]+)"/.exec(e.data);
  if (m) return m[1]!;
  const type = parseObject(e.data)?.type;
  return typeof type === 'string' ? type : '';
}

export class SseRelay {
  /** Set once the upstream's terminal event went by. */
  end: StreamEnd | undefined;
  /** The upstream broke the framing (an event past MAX_EVENT_CHARS): nothing more is relayed. */
  overflow = false;
  private out = '';
  private sawFinish = false;
  private readonly decoder = new TextDecoder();
  private readonly parser: EventSourceParser;
  // What a synthesised response.failed needs to be a well-formed next event.
  private sequence = -1;
  private response: { id?: unknown; model?: unknown; created_at?: unknown } = {};

  constructor(
    private readonly kind: ApiKind,
    private readonly meter: UsageMeter,
    /** Remove the usage chunk and `usage` fields (a chat client that did not ask for them). */
    private readonly stripUsage: boolean,
  ) {
    this.parser = createParser({
      onEvent: (e) => (kind === 'chat' ? this.onChatEvent(e) : this.onResponsesEvent(e)),
      onComment: (comment) => {
        this.out += `:${comment}\n\n`;
      },
      onError: (err) => {
        if (err.type === 'max-buffer-size-exceeded') this.overflow = true;
      },
      maxBufferSize: MAX_EVENT_CHARS,
    });
  }

  /** Feeds a chunk of the upstream's stream; returns the whole events to send to the client. */
  push(chunk: Buffer): string {
    if (!this.overflow) this.parser.feed(this.decoder.decode(chunk, { stream: true }));
    const out = this.out;
    this.out = '';
    return out;
  }

  /**
   * The upstream's stream ended without an error. A chat stream that reported its finish
   * reason is complete even without `[DONE]` (some compatible servers leave it out).
   */
  close(): void {
    if (!this.end && this.kind === 'chat' && this.sawFinish && !this.overflow) this.end = 'completed';
  }

  /** The event that tells the client the upstream broke off, in its API's own protocol. */
  failureEvent(message: string): string {
    if (this.kind === 'chat') {
      return frame({ data: JSON.stringify({ error: { message, type: 'upstream_error', param: null, code: 'upstream_broken' } }) });
    }
    const response = {
      id: this.response.id ?? null,
      object: 'response',
      created_at: this.response.created_at ?? Math.floor(Date.now() / 1000),
      status: 'failed',
      error: { code: 'server_error', message },
      incomplete_details: null,
      model: this.response.model ?? null,
      output: [],
      usage: null,
    };
    const data = JSON.stringify({ type: 'response.failed', sequence_number: this.sequence + 1, response });
    return frame({ event: 'response.failed', data });
  }

  private onChatEvent(e: EventSourceMessage): void {
    if (e.data === '[DONE]') {
      this.end ??= 'completed';
      this.out += frame(e);
      return;
    }
    const chunk = parseObject(e.data);
    if (!chunk) {
      this.out += frame(e);
      return;
    }
    if (chunk.error !== undefined) {
      // The upstream's own mid-stream error: the last event of the stream.
      this.end = 'failed';
      this.out += frame({ data: redactUpstreamText(e.data) });
      return;
    }
    if (finishes(chunk)) this.sawFinish = true;
    if (carriesContent(chunk)) this.meter.delivered();
    if (!('usage' in chunk)) {
      this.out += frame(e);
      return;
    }
    if (isRecord(chunk.usage)) this.meter.report(chunk.usage);
    if (!this.stripUsage) {
      this.out += frame(e);
      return;
    }
    // The usage chunk is the gateway's; other chunks lose the field the client did not ask for.
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return;
    delete chunk.usage;
    this.out += frame({ ...e, data: JSON.stringify(chunk) });
  }

  private onResponsesEvent(e: EventSourceMessage): void {
    const type = eventType(e);
    const seq = /"sequence_number"\s*:\s*(\d+)/.exec(e.data);
    if (seq) this.sequence = Number(seq[1]);
    if (type === 'response.created' || type === 'response.completed' || type === 'response.incomplete' || type === 'response.failed' || type === 'error') {
      // Not JSON we understand: relayed as it is, and the meter counts what was delivered.
      const parsed = parseObject(e.data)?.response;
      const response = isRecord(parsed) ? parsed : undefined;
      if (type === 'response.created' && response) {
        this.response = { id: response.id, model: response.model, created_at: response.created_at };
        if (typeof response.id === 'string') this.meter.responseId = response.id;
      }
      if (response && isRecord(response.usage)) this.meter.report(response.usage);
      if (type === 'response.completed' || type === 'response.incomplete') this.end ??= 'completed';
      if (type === 'response.failed' || type === 'error') {
        this.end = 'failed';
        this.out += frame({ ...e, data: redactUpstreamText(e.data) });
        return;
      }
    } else if (type.endsWith('.delta')) {
      this.meter.delivered();
    }
    this.out += frame(e);
  }
}
