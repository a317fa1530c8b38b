import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import { routingText } from '../channels/channel-request.js';
import type { JsonBody } from '../channels/channel-transport.js';
import { isRecord } from './json.js';
import { estimatePromptTokens } from './prompt-estimate.js';
import type { ApiKind } from './usage-meter.js';

/** No model writes more than this in one answer; a larger ask is a typo or an attack on the books. */
export const MAX_OUTPUT_TOKENS = 1_000_000;
/** OpenAI's own bound on `n` (choices per chat completion). */
export const MAX_CHOICES = 128;
const MAX_MODEL_LENGTH = 256;

/**
 * The relayed bodies as the OpenAPI description shows them: what the gateway reads (the
 * reader below checks it), every other field passed to the upstream untouched.
 */
const outputLimit = z.number().int().min(1).max(MAX_OUTPUT_TOKENS);
export const RELAY_BODY_DOCS: Record<ApiKind, z.ZodType> = {
  chat: z.looseObject({
    model: z.string().min(1).max(MAX_MODEL_LENGTH),
    messages: z.array(z.unknown()),
    stream: z.boolean().nullable().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
    max_tokens: outputLimit.nullable().optional(),
    max_completion_tokens: outputLimit.nullable().optional(),
    n: z.number().int().min(1).max(MAX_CHOICES).nullable().optional(),
    prompt_cache_key: z.string().optional(),
  }),
  responses: z.looseObject({
    model: z.string().min(1).max(MAX_MODEL_LENGTH),
    input: z.unknown().optional(),
    stream: z.boolean().nullable().optional(),
    max_output_tokens: outputLimit.nullable().optional(),
    previous_response_id: z.string().optional(),
    prompt_cache_key: z.string().optional(),
  }),
};

/** What the gateway needs to know of a relayed request; the rest of the body passes through untouched. */
export interface RelayRequest {
  kind: ApiKind;
  /** The body sent upstream (chat streams ask for the usage chunk). */
  body: JsonBody;
  model: string;
  stream: boolean;
  /** The client asked for the usage chunk of a chat stream itself (else it is stripped). */
  clientWantsUsage: boolean;
  /** Prompt tokens estimated from the decoded request, until the upstream says. */
  promptEstimate: number;
  /** The most output tokens the client allows one choice (its smallest max_* field), if it set one. */
  outputLimit: number | undefined;
  /** Choices asked for (chat's `n`); each writes up to the output limit. */
  choices: number;
  /** The conversation's cache key (sticks it to one channel). */
  promptCacheKey: string | undefined;
  /** The response this one continues (responses API): only the channel that produced it holds it. */
  previousResponseId: string | undefined;
}

/**
 * A model name is stored, logged and used as a label of the books: printable, short, and
 * free of control characters (a NUL is refused by Postgres, which once stalled metering).
 */
function checkModel(model: unknown): string {
  if (typeof model !== 'string' || model.length === 0) {
    throw new BadRequestError('"model" is required and must be a string.', 'missing_model', 'model');
  }
  if (model.length > MAX_MODEL_LENGTH) {
    throw new BadRequestError(`"model" must be at most ${MAX_MODEL_LENGTH} characters.`, 'invalid_model', 'model');
  }
  // C0 and C1 controls, DEL, lone surrogates (not valid UTF-8), line and paragraph separators.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\p{Cs}/u.test(model)) {
    throw new BadRequestError('"model" must be printable text without control characters.', 'invalid_model', 'model');
  }
  return model;
}

function optionalInt(body: Record<string, unknown>, field: string, max: number, code: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new BadRequestError(`"${field}" must be an integer from 1 to ${max}.`, code, field);
  }
  return value;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
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

/**
 * Checks a chat or responses body as far as the gateway needs it (model, stream, output
 * limits, choices) and estimates its prompt. `bytes`: the body as the client sent it
 * (UTF-8), passed on as it is when the gateway changes nothing.
 */
export function readRelayRequest(kind: ApiKind, raw: unknown, bytes?: Buffer): RelayRequest {
  if (!isRecord(raw)) throw new BadRequestError('Request body must be a JSON object.', 'invalid_body');
  const model = checkModel(raw.model);
  if (raw.stream !== undefined && raw.stream !== null && typeof raw.stream !== 'boolean') {
    throw new BadRequestError('"stream" must be a boolean.', 'invalid_stream', 'stream');
  }
  const stream = raw.stream === true;
  const limits =
    kind === 'chat'
      ? [
          optionalInt(raw, 'max_tokens', MAX_OUTPUT_TOKENS, 'invalid_max_tokens'),
          optionalInt(raw, 'max_completion_tokens', MAX_OUTPUT_TOKENS, 'invalid_max_tokens'),
        ]
      : [optionalInt(raw, 'max_output_tokens', MAX_OUTPUT_TOKENS, 'invalid_max_tokens')];
  const given = limits.filter((n): n is number => n !== undefined);
  const choices = kind === 'chat' ? (optionalInt(raw, 'n', MAX_CHOICES, 'invalid_n') ?? 1) : 1;

  // JSON.parse drops a byte-order mark; an upstream might not.
  let body: JsonBody = { json: raw, bytes: bytes?.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes };
  let clientWantsUsage = false;
  if (kind === 'chat') {
    if (!Array.isArray(raw.messages)) throw new BadRequestError('"messages" is required and must be an array.', 'missing_messages', 'messages');
    const options = isRecord(raw.stream_options) ? raw.stream_options : undefined;
    clientWantsUsage = options?.include_usage === true;
    // Every stream is metered from the upstream's usage chunk; the client sees it only if it asked.
    if (stream && !clientWantsUsage) {
      body = { json: { ...raw, stream_options: { ...options, include_usage: true } }, bytes: withUsageAsked(raw, body.bytes) };
    }
  }
  return {
    kind,
    body,
    model,
    stream,
    clientWantsUsage,
    promptEstimate: estimatePromptTokens(raw),
    outputLimit: given.length > 0 ? Math.min(...given) : undefined,
    choices,
    promptCacheKey: routingText(raw.prompt_cache_key),
    previousResponseId: kind === 'responses' ? routingText(raw.previous_response_id) : undefined,
  };
}

/**
 * The output tokens a request reserves against its plan's limits: what it may write at
 * most. Per choice, the client's own limit, but never more than the model writes (its
 * catalogue entry's `max_output_tokens`, reasoning included); without either, the
 * configured estimate. A reasoning model's entry carries its ceiling, so that concurrent
 * requests reserve all they can cost and none passes a credit limit.
 */
export function outputReserve(request: Pick<RelayRequest, 'outputLimit' | 'choices'>, modelMax: number | null, estimate: number): number {
  const perChoice = request.outputLimit === undefined ? (modelMax ?? estimate) : Math.min(request.outputLimit, modelMax ?? request.outputLimit);
  return perChoice * request.choices;
}
