import { z } from 'zod';
import type { ApiAdapter } from './api-adapter.js';
import { isRecord, parseObject } from './json.js';
import { estimatePromptTokens } from './prompt-estimate.js';
import { modelDoc, outputLimitDoc, outputLimitOf, readOpenAiRequest } from './relay-request.js';
import { type EventSourceMessage, frame, type StreamEnd, type StreamProtocol } from './sse-relay.js';
import { clientError, redactUpstreamText } from './upstream-errors.js';
import type { UsageMeter } from './usage-meter.js';

/** OpenAI's Responses API (`POST /v1/responses`), the one Codex speaks. */

/** The type of a responses event: its SSE event name, or the JSON's leading "type". */
function eventType(e: EventSourceMessage): string {
  if (e.event) return e.event;
  const m = /^\{\s*"type"\s*:\s*"([^"]+)"/.exec(e.data);
  if (m) return m[1]!;
  const type = parseObject(e.data)?.type;
  return typeof type === 'string' ? type : '';
}

/** The events that carry the response object (its id, its usage) or end the stream. */
const LIFECYCLE = new Set(['response.created', 'response.completed', 'response.incomplete', 'response.failed', 'error']);

/** A responses stream: metered from its terminal event's usage, or one token a delta until then. */
class ResponsesStream implements StreamProtocol {
  end: StreamEnd | undefined;
  // What a synthesised response.failed needs to be a well-formed next event.
  private sequence = -1;
  private response: { id?: unknown; model?: unknown; created_at?: unknown } = {};

  constructor(private readonly meter: UsageMeter) {}

  event(e: EventSourceMessage): string {
    const type = eventType(e);
    const seq = /"sequence_number"\s*:\s*(\d+)/.exec(e.data);
    if (seq) this.sequence = Number(seq[1]);
    if (LIFECYCLE.has(type)) {
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
        return frame({ ...e, data: redactUpstreamText(e.data) });
      }
    } else if (type.endsWith('.delta')) {
      this.meter.delivered();
    }
    return frame(e);
  }

  closed(): void {}

  failureEvent(message: string): string {
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
}

export const responses: ApiAdapter = {
  api: 'responses',
  dialect: 'openai',
  path: '/responses',
  summary: 'A response (Responses API), metered (stream: true for SSE)',
  bodyDocs: z.looseObject({
    model: modelDoc,
    input: z.unknown().optional(),
    stream: z.boolean().nullable().optional(),
    max_output_tokens: outputLimitDoc.nullable().optional(),
    previous_response_id: z.string().optional(),
    prompt_cache_key: z.string().optional(),
  }),

  parse(json, bytes) {
    const { raw, model, stream, body } = readOpenAiRequest(json, bytes);
    return {
      body,
      model,
      stream,
      promptEstimate: estimatePromptTokens(raw),
      outputLimit: outputLimitOf(raw, ['max_output_tokens']),
      choices: 1,
      routing: { promptCacheKey: raw.prompt_cache_key, previousResponseId: raw.previous_response_id },
      openStream: (meter) => new ResponsesStream(meter),
    };
  },

  meterJson: (body, meter) => meter.observeJson(body),
  clientError,
};
