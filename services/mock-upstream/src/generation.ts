/**
 * What the mock "generates": request parameters shared by the generation
 * endpoints (Chat Completions, Responses, Anthropic Messages), deterministic
 * output, and token accounting.
 *
 * The rules are deliberately trivial so tests elsewhere (gateway metering,
 * billing) can predict usage exactly without a tokenizer:
 *   - prompt tokens = ceil(characters of all message text / 4), minimum 1,
 *     where characters are JavaScript string lengths (UTF-16 code units);
 *   - the reply is "This is a mock reply to: <first 8 words of the last user
 *     message>", repeated/truncated to DEFAULT_COMPLETION_TOKENS words;
 *   - one word is one completion token is one streamed content chunk;
 *   - a max-tokens limit below DEFAULT_COMPLETION_TOKENS truncates the reply
 *     and turns the finish reason into "length".
 * With the model option "tools" (mock-options.ts):
 *   - the reply is a call of the request's first function tool; its arguments
 *     stream in pieces (words, punctuation runs), one piece is one token;
 *   - after a tool's result (the last input item) the reply is "Tool output
 *     received: <last 8 words of the output>" (a command's result comes after
 *     the header Codex puts on it), one word per token, so an agent loop ends.
 * With "cached-<n>" min(n, prompt tokens) of the prompt is reported as cached;
 * with "cachewrite-<n>" min(n, what is left of the prompt) as written to the
 * cache (only Anthropic's usage reports it);
 * with "reasoning-<n>" n reasoning tokens are added to the completion's (and the
 * total), reported as such and never emitted.
 */

import type { ServerResponse } from 'node:http';
import { HttpError, isRecord, newId } from './http-util.js';
import type { ResponseIds } from './response-ids.js';
import type { SseFraming } from './sse-stream.js';
import { type ToolSpec, splitIntoPieces, toolArguments } from './tool-calls.js';

export interface GenerationRequest {
  model: string;
  stream: boolean;
}

export interface RespondOptions {
  chunkDelayMs: number;
  framing: SseFraming;
  /** Answer with a tool call when the request offers a function tool. */
  tools: boolean;
  /** Cut the connection after this many delta events. */
  dropAfter: number | undefined;
  /** Send the API's mid-stream error after this many delta events. */
  failAfter: number | undefined;
  /** Prompt tokens to report as cached (capped at the prompt's). */
  cachedTokens: number;
  /** Prompt tokens to report as written to the cache (capped at what the cached ones leave). */
  cacheWriteTokens: number;
  /** Reasoning tokens to add to the completion's. */
  reasoningTokens: number;
  /** Where the Responses API records the ids it hands out. */
  responseIds: ResponseIds;
  /** How the client reached this mock ("http://<Host header>"), for URLs an answer hands out. */
  origin: string;
}

/** How an endpoint's body is read when it is not a JSON object: uploads come as multipart/form-data. */
export interface BodyFormat {
  /** The body's fields, files included; throws a 400 for a body it cannot read. */
  decode(raw: Buffer, contentType: string | undefined): Record<string, unknown>;
  maxBytes: number;
}

/**
 * A generation endpoint (any metered one: text, embeddings, images, audio); validation is
 * split from answering so injected failures can sit in between.
 */
export interface GenerationEndpoint<R extends GenerationRequest> {
  /** Absent: a JSON object, as most endpoints take. */
  body?: BodyFormat;
  /** `responseIds`: the ids this instance generated, for previous_response_id. */
  parse(body: Record<string, unknown>, responseIds: ResponseIds): R;
  respond(res: ServerResponse, request: R, options: RespondOptions): Promise<void>;
  /** The answer to empty-stream when it is not an empty SSE stream or JSON body (audio). */
  emptyAnswer?(res: ServerResponse, request: R): void;
}

export const DEFAULT_COMPLETION_TOKENS = 16;
const ECHOED_WORDS = 8;
const REPLY_PREFIX = ['This', 'is', 'a', 'mock', 'reply', 'to:'];
const TOOL_OUTPUT_PREFIX = ['Tool', 'output', 'received:'];

export interface Completion {
  /** One entry per token; every token but the first carries its leading space, so they concatenate to `text`. */
  tokens: string[];
  text: string;
  truncated: boolean;
}

/** What a request says that decides the reply, whichever API it came through. */
export interface ReplyPrompt {
  lastUserText: string;
  /** The max-tokens limit, if any. */
  limit: number | undefined;
  /** The function tool the model may call (tool_choice applied). */
  tool: ToolSpec | undefined;
  /** The text of the last input item when it is a tool's result. */
  toolOutput: string | undefined;
}

export type Reply =
  | { kind: 'text'; completion: Completion }
  /** The completion's tokens are the argument pieces; its text, the arguments. */
  | { kind: 'tool_call'; name: string; callId: string; completion: Completion };

/** `callIdPrefix`: how the API names a tool call's id ("call_" for OpenAI's, "toolu_" for Anthropic's). */
export function planReply(prompt: ReplyPrompt, tools: boolean, callIdPrefix = 'call_'): Reply {
  if (tools && prompt.toolOutput !== undefined) {
    const words = [...TOOL_OUTPUT_PREFIX, ...wordsOf(prompt.toolOutput).slice(-ECHOED_WORDS)];
    return { kind: 'text', completion: limitTokens(words.map(spaced), prompt.limit) };
  }
  if (tools && prompt.tool !== undefined) {
    const pieces = splitIntoPieces(toolArguments(prompt.tool));
    return { kind: 'tool_call', name: prompt.tool.name, callId: newId(callIdPrefix), completion: limitTokens(pieces, prompt.limit) };
  }
  return { kind: 'text', completion: planCompletion(prompt.lastUserText, prompt.limit) };
}

/** Text of an OpenAI content field: a plain string or an array of parts with `text`. */
export function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += part;
    else if (isRecord(part) && typeof part.text === 'string') text += part.text;
  }
  return text;
}

export interface TokenCounts {
  prompt: number;
  cached: number;
  /** Written to the cache: part of the prompt, disjoint from the cached part. */
  cacheWrite: number;
  /** The reply's tokens plus the reasoning tokens. */
  completion: number;
  reasoning: number;
  total: number;
}

export function tokenCounts(promptTokens: number, replyTokens: number, options: RespondOptions): TokenCounts {
  const completion = replyTokens + options.reasoningTokens;
  const cached = Math.min(options.cachedTokens, promptTokens);
  return {
    prompt: promptTokens,
    cached,
    cacheWrite: Math.min(options.cacheWriteTokens, promptTokens - cached),
    completion,
    reasoning: options.reasoningTokens,
    total: promptTokens + completion,
  };
}

export function countPromptTokens(texts: readonly string[]): number {
  let chars = 0;
  for (const t of texts) chars += t.length;
  return Math.max(1, Math.ceil(chars / 4));
}

export function planCompletion(lastUserText: string, limit: number | undefined): Completion {
  const sentence = [...REPLY_PREFIX, ...wordsOf(lastUserText).slice(0, ECHOED_WORDS)];
  const count = limit === undefined ? DEFAULT_COMPLETION_TOKENS : Math.min(limit, DEFAULT_COMPLETION_TOKENS);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(spaced(sentence[i % sentence.length] ?? '', i));
  return { tokens, text: tokens.join(''), truncated: count < DEFAULT_COMPLETION_TOKENS };
}

function wordsOf(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function spaced(word: string, index: number): string {
  return index === 0 ? word : ` ${word}`;
}

function limitTokens(tokens: string[], limit: number | undefined): Completion {
  const kept = limit === undefined ? tokens : tokens.slice(0, limit);
  return { tokens: kept, text: kept.join(''), truncated: kept.length < tokens.length };
}

export type Interruption = 'drop' | 'fail' | undefined;

/**
 * Whether a stream is cut or failed before its delta number `sent` (0-based);
 * `Infinity` asks about the end of the reply, so a threshold beyond the reply's
 * length still stops it before its terminal event. The lower threshold wins.
 */
export function interruptionAt(options: RespondOptions, sent: number): Interruption {
  const dropAt = options.dropAfter ?? Number.POSITIVE_INFINITY;
  const failAt = options.failAfter ?? Number.POSITIVE_INFINITY;
  const first = Math.min(dropAt, failAt);
  if (first === Number.POSITIVE_INFINITY || sent < first) return undefined;
  return dropAt <= failAt ? 'drop' : 'fail';
}

/**
 * Reads an optional positive-integer limit (max_tokens and friends). null means
 * "not given", exactly as the OpenAI API treats it.
 */
export function readLimit(body: Record<string, unknown>, param: string): number | undefined {
  const value = body[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new HttpError(400, `Invalid '${param}': expected an integer greater than or equal to 1.`, 'invalid_request_error', param, 'invalid_value');
  }
  return value;
}

export function requireModel(body: Record<string, unknown>): string {
  const model = body.model;
  if (typeof model !== 'string' || model.length === 0) {
    throw new HttpError(400, 'you must provide a model parameter', 'invalid_request_error', 'model', null);
  }
  return model;
}

export function missingParam(param: string): HttpError {
  return new HttpError(400, `Missing required parameter: '${param}'.`, 'invalid_request_error', param, 'missing_required_parameter');
}
