import { z } from 'zod';
import { anthropicErrorBody, BadRequestError } from '../../infra/errors.js';
import type { ApiAdapter } from './api-adapter.js';
import { isRecord, parseObject } from './json.js';
import { estimatePromptTokens } from './prompt-estimate.js';
import { modelDoc, outputLimitDoc, outputLimitOf, readOpenAiRequest } from './relay-request.js';
import { type EventSourceMessage, frame, type StreamEnd, type StreamProtocol } from './sse-relay.js';
import { type ClientError, redactUpstreamText } from './upstream-errors.js';
import type { UsageMeter } from './usage-meter.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`), the one Claude Code and Anthropic's SDKs
 * speak, relayed to an anthropic channel as it came. Its usage splits the prompt: input
 * tokens, tokens read from the prompt cache, tokens written to it (each priced on its own),
 * and output tokens.
 */

/** The type of a Messages stream event: its SSE event name, or the JSON's "type". */
function eventType(e: EventSourceMessage): string {
  if (e.event) return e.event;
  const type = parseObject(e.data)?.type;
  return typeof type === 'string' ? type : '';
}

/**
 * A Messages stream: `message_start` tells the prompt's usage, each `content_block_delta`
 * is delivered content (one token until the upstream says), `message_delta` the output so
 * far, `message_stop` ends it and `error` fails it. Every event passes in order, untouched
 * (ping included).
 */
class MessagesStream implements StreamProtocol {
  end: StreamEnd | undefined;

  constructor(private readonly meter: UsageMeter) {}

  event(e: EventSourceMessage): string {
    const type = eventType(e);
    if (type === 'content_block_delta') {
      this.meter.delivered();
      return frame(e);
    }
    if (type === 'message_start' || type === 'message_delta') {
      const event = parseObject(e.data);
      const usage = type === 'message_start' && isRecord(event?.message) ? event.message.usage : event?.usage;
      if (isRecord(usage)) this.meter.reportAnthropic(usage, type === 'message_delta');
    } else if (type === 'message_stop') {
      this.end ??= 'completed';
    } else if (type === 'error') {
      this.end = 'failed';
      return frame({ ...e, data: redactUpstreamText(e.data) });
    }
    return frame(e);
  }

  closed(): void {}

  failureEvent(message: string): string {
    return frame({ event: 'error', data: JSON.stringify(anthropicErrorBody(502, message)) });
  }
}

/**
 * The customer's view of an upstream error answer, in Anthropic's shape. A refusal of the
 * operator's key is a generic 502 (the operator is told); a refusal of this request alone a
 * 403 with the upstream's words; any other error keeps its status and type (529
 * overloaded_error included, which Claude Code waits out and retries).
 */
function clientError(status: number, raw: string, refusal: 'key' | 'request' | undefined, requestId: string): ClientError {
  const error = parseObject(raw)?.error;
  const upstream = isRecord(error) ? error : undefined;
  const message = typeof upstream?.message === 'string' ? redactUpstreamText(upstream.message) : undefined;
  if (refusal === 'key') {
    return {
      status: 502,
      body: anthropicErrorBody(502, "The upstream provider refused the gateway's request; the operator has been told.", requestId),
      cause: `upstream answered ${status}: ${message ?? 'no message'}`,
    };
  }
  const shown = refusal === 'request' ? 403 : status;
  const body = anthropicErrorBody(shown, message ?? `The upstream provider answered ${status}.`, requestId);
  if (typeof upstream?.type === 'string' && refusal !== 'request') body.error.type = redactUpstreamText(upstream.type).slice(0, 64);
  return { status: shown, body };
}

export const anthropicMessages: ApiAdapter = {
  api: 'messages',
  dialect: 'anthropic',
  path: '/messages',
  summary: "A message (Anthropic's Messages API, for Claude Code and Anthropic's SDKs), metered (stream: true for SSE)",
  bodyDocs: z.looseObject({
    model: modelDoc,
    max_tokens: outputLimitDoc,
    messages: z.array(z.unknown()),
    system: z.unknown().optional(),
    stream: z.boolean().nullable().optional(),
    metadata: z.looseObject({ user_id: z.string().optional() }).optional(),
  }),

  parse(json, bytes) {
    const { raw, model, stream, body } = readOpenAiRequest(json, bytes);
    if (!Array.isArray(raw.messages)) throw new BadRequestError('"messages" is required and must be an array.', 'missing_messages', 'messages');
    const metadata = isRecord(raw.metadata) ? raw.metadata : undefined;
    return {
      body,
      model,
      stream,
      promptEstimate: estimatePromptTokens(raw),
      outputLimit: outputLimitOf(raw, ['max_tokens']),
      choices: 1,
      // Claude Code's session header names the conversation; failing that, the caller's user id.
      routing: { promptCacheKey: metadata?.user_id, previousResponseId: undefined },
      openStream: (meter) => new MessagesStream(meter),
    };
  },

  meterJson(body, meter) {
    const answer = parseObject(body);
    if (answer?.type === 'message' && isRecord(answer.usage)) meter.reportAnthropic(answer.usage, true);
  },
  clientError,
};
