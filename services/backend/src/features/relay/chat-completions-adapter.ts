import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import type { ApiAdapter } from './api-adapter.js';
import { isRecord, parseObject } from './json.js';
import { estimatePromptTokens } from './prompt-estimate.js';
import { MAX_CHOICES, modelDoc, optionalInt, outputLimitDoc, outputLimitOf, readOpenAiRequest, type RequestBody } from './relay-request.js';
import { type EventSourceMessage, frame, type StreamEnd, type StreamProtocol } from './sse-relay.js';
import { clientError, redactUpstreamText } from './upstream-errors.js';
import type { UsageMeter } from './usage-meter.js';

/** OpenAI's chat completions (`POST /v1/chat/completions`). */

const ASK_FOR_USAGE = Buffer.from('{"stream_options":{"include_usage":true},');

/**
 * The client's bytes with `stream_options.include_usage` added, without re-serialising
 * the body: the member is put first, in place of the opening brace. Only when the body
 * has no stream_options of its own (else undefined: the object is serialised instead).
 */
function withUsageAsked(raw: Record<string, unknown>, bytes: Buffer | undefined): Buffer | undefined {
  if (!bytes || 'stream_options' in raw) return undefined;
  const brace = bytes.indexOf(0x7b);
  return brace < 0 ? undefined : Buffer.concat([ASK_FOR_USAGE, bytes.subarray(brace + 1)]);
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

/**
 * A chat stream: content deltas and the usage chunk are metered; the usage chunk and
 * `usage` fields are removed when the gateway asked for them and the client did not.
 */
class ChatStream implements StreamProtocol {
  end: StreamEnd | undefined;
  private sawFinish = false;

  constructor(
    private readonly meter: UsageMeter,
    private readonly stripUsage: boolean,
  ) {}

  event(e: EventSourceMessage): string {
    if (e.data === '[DONE]') {
      this.end ??= 'completed';
      return frame(e);
    }
    const chunk = parseObject(e.data);
    if (!chunk) return frame(e);
    if (chunk.error !== undefined) {
      // The upstream's own mid-stream error: the last event of the stream.
      this.end = 'failed';
      return frame({ data: redactUpstreamText(e.data) });
    }
    if (finishes(chunk)) this.sawFinish = true;
    if (carriesContent(chunk)) this.meter.delivered();
    if (!('usage' in chunk)) return frame(e);
    if (isRecord(chunk.usage)) this.meter.report(chunk.usage);
    if (!this.stripUsage) return frame(e);
    // The usage chunk is the gateway's; other chunks lose the field the client did not ask for.
    if (Array.isArray(chunk.choices) && chunk.choices.length === 0) return '';
    delete chunk.usage;
    return frame({ ...e, data: JSON.stringify(chunk) });
  }

  /** A stream that reported its finish reason is complete even without `[DONE]` (some compatible servers leave it out). */
  closed(): void {
    if (!this.end && this.sawFinish) this.end = 'completed';
  }

  failureEvent(message: string): string {
    return frame({ data: JSON.stringify({ error: { message, type: 'upstream_error', param: null, code: 'upstream_broken' } }) });
  }
}

export const chatCompletions: ApiAdapter = {
  api: 'chat',
  dialect: 'openai',
  path: '/chat/completions',
  summary: 'A chat completion, metered (stream: true for SSE)',
  bodyDocs: z.looseObject({
    model: modelDoc,
    messages: z.array(z.unknown()),
    stream: z.boolean().nullable().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
    max_tokens: outputLimitDoc.nullable().optional(),
    max_completion_tokens: outputLimitDoc.nullable().optional(),
    n: z.number().int().min(1).max(MAX_CHOICES).nullable().optional(),
    prompt_cache_key: z.string().optional(),
  }),

  parse(json, bytes) {
    const { raw, model, stream, body: given } = readOpenAiRequest(json, bytes);
    const outputLimit = outputLimitOf(raw, ['max_tokens', 'max_completion_tokens']);
    const choices = optionalInt(raw, 'n', MAX_CHOICES, 'invalid_n') ?? 1;
    if (!Array.isArray(raw.messages)) throw new BadRequestError('"messages" is required and must be an array.', 'missing_messages', 'messages');
    const options = isRecord(raw.stream_options) ? raw.stream_options : undefined;
    const clientWantsUsage = options?.include_usage === true;
    let body: RequestBody = given;
    // Every stream is metered from the upstream's usage chunk; the client sees it only if it asked.
    if (stream && !clientWantsUsage) {
      body = { json: { ...raw, stream_options: { ...options, include_usage: true } }, bytes: withUsageAsked(raw, given.bytes) };
    }
    return {
      body,
      model,
      stream,
      promptEstimate: estimatePromptTokens(raw),
      outputLimit,
      choices,
      routing: { promptCacheKey: raw.prompt_cache_key, previousResponseId: undefined },
      openStream: (meter) => new ChatStream(meter, !clientWantsUsage),
    };
  },

  meterJson: (body, meter) => meter.observeJson(body),
  clientError,
};
