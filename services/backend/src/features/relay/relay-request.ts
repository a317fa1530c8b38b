import { z } from 'zod';
import { BadRequestError } from '../../infra/errors.js';
import type { UnitCount } from '../../domain/money.js';
import { isRecord } from './json.js';
import type { StreamProtocol } from './sse-relay.js';
import type { UsageMeter } from './usage-meter.js';

/** No model writes more than this in one answer; a larger ask is a typo or an attack on the books. */
export const MAX_OUTPUT_TOKENS = 1_000_000;
/** OpenAI's own bound on `n` (choices per chat completion). */
export const MAX_CHOICES = 128;
const MAX_MODEL_LENGTH = 256;

/** The fields every adapter's API description shares. */
export const modelDoc = z.string().min(1).max(MAX_MODEL_LENGTH);
export const outputLimitDoc = z.number().int().min(1).max(MAX_OUTPUT_TOKENS);

/** A JSON request body: its object, and the client's own bytes for as long as the gateway has not changed it. */
export interface RequestBody {
  json: Record<string, unknown>;
  bytes?: Buffer;
  /** An upload (multipart/form-data): its bytes go upstream as they are, with this content type. */
  contentType?: string;
}

/** What the gateway needs to know of a relayed request (an adapter reads it); the rest of the body passes through untouched. */
export interface RelayRequest {
  /** The body sent upstream (a chat stream asks for the usage chunk). */
  body: RequestBody;
  model: string;
  stream: boolean;
  /** Prompt tokens estimated from the decoded request, until the upstream says. */
  promptEstimate: number;
  /** The most output tokens the client allows one choice (its smallest max_* field), if it set one; 0 for an API that writes none. */
  outputLimit: number | undefined;
  /** Choices asked for (chat's `n`); each writes up to the output limit. */
  choices: number;
  /** What names the conversation (its cache key) and the response it continues, as the client sent them: the channels judge them. */
  routing: { promptCacheKey: unknown; previousResponseId: unknown };
  /** The reader of this request's answer stream, in its API's protocol. */
  openStream(meter: UsageMeter): StreamProtocol;
  /**
   * For an API sold by the unit (images, audio, speech): what the request is billed when the
   * upstream does not say (`planned`), and the most it can come to, which it reserves
   * (`ceiling`: the images asked, the characters sent, the longest the audio can be).
   */
  units?: { planned: UnitCount; ceiling: UnitCount };
  /** The answer is binary (speech), relayed chunk by chunk as it comes. */
  binary?: boolean;
}

/**
 * What every API that answers in one piece (embeddings, images, audio) says alike: no stream
 * to read, no conversation to route by.
 */
export const ONE_PIECE = {
  stream: false,
  routing: { promptCacheKey: undefined, previousResponseId: undefined },
  openStream(): never {
    throw new Error('this API answers in one piece, never as an event stream');
  },
} as const;

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

export function optionalInt(body: Record<string, unknown>, field: string, max: number, code: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new BadRequestError(`"${field}" must be an integer from 1 to ${max}.`, code, field);
  }
  return value;
}

/** The smallest of the output limits the client set in `fields` (each checked), if it set any. */
export function outputLimitOf(raw: Record<string, unknown>, fields: readonly string[]): number | undefined {
  let least: number | undefined;
  for (const field of fields) {
    const limit = optionalInt(raw, field, MAX_OUTPUT_TOKENS, 'invalid_max_tokens');
    if (limit !== undefined && (least === undefined || limit < least)) least = limit;
  }
  return least;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * What every OpenAI-shaped request has: a JSON object with a model, perhaps a stream flag.
 * `bytes`: the body as the client sent it (UTF-8), passed on as it is when the gateway
 * changes nothing.
 */
export function readOpenAiRequest(
  raw: unknown,
  bytes: Buffer | undefined,
): { raw: Record<string, unknown>; model: string; stream: boolean; body: RequestBody } {
  if (!isRecord(raw)) throw new BadRequestError('Request body must be a JSON object.', 'invalid_body');
  const model = checkModel(raw.model);
  if (raw.stream !== undefined && raw.stream !== null && typeof raw.stream !== 'boolean') {
    throw new BadRequestError('"stream" must be a boolean.', 'invalid_stream', 'stream');
  }
  // JSON.parse drops a byte-order mark; an upstream might not.
  const body = { json: raw, bytes: bytes?.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes };
  return { raw, model, stream: raw.stream === true, body };
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
