/**
 * Per-request behaviour, selected by the model name: `mock-<option>[+<option>…]`.
 *
 * The model name is the one field a gateway forwards untouched, so a test can
 * provoke any of these end-to-end without a side channel to the mock. Only names
 * starting with "mock-" are read; an option the grammar does not know is a 400,
 * so a typo never silently does nothing.
 */

import { HttpError } from './http-util.js';

export interface MockOptions {
  /** Answer with a call of the request's first function tool instead of text. */
  tools: boolean;
  /** Answer with this HTTP error (400–599) instead. */
  errorStatus: number | undefined;
  /** Refuse this request only, with OpenAI's 403 for a model the project may not use, or for a region it does not serve. */
  forbidden: 'model' | 'region' | undefined;
  /** Wait this long before answering. */
  slowMs: number;
  /** Delay between streamed events; undefined keeps the mock's configured one. */
  chunkDelayMs: number | undefined;
  crlf: boolean;
  nospace: boolean;
  /** Cut the connection after this many delta events, before any terminal event. */
  dropAfter: number | undefined;
  /** After this many delta events, send the API's mid-stream error and end the stream. */
  failAfter: number | undefined;
  /** A 200 whose body ends before the first event. */
  emptyStream: boolean;
  /** Prompt tokens reported as cached (at most the prompt's). */
  cachedTokens: number;
  /**
   * Prompt tokens reported as written to the cache (at most what the cache read left):
   * Anthropic's cache_creation_input_tokens. The OpenAI APIs report no such thing and ignore it.
   */
  cacheWriteTokens: number;
  /** Reasoning tokens added to the completion's, never emitted as text. */
  reasoningTokens: number;
}

export const MOCK_PREFIX = 'mock-';

// Delays are client-controlled; cap them so a typo cannot park a request for days.
export const MAX_DELAY_MS = 10 * 60 * 1000;

// How many content tokens the legacy mock-drop-mid-stream delivers before the socket dies.
const DROP_MID_STREAM_AFTER = 3;

const DEFAULTS: Readonly<MockOptions> = Object.freeze({
  tools: false,
  errorStatus: undefined,
  forbidden: undefined,
  slowMs: 0,
  chunkDelayMs: undefined,
  crlf: false,
  nospace: false,
  dropAfter: undefined,
  failAfter: undefined,
  emptyStream: false,
  cachedTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
});

interface OptionRule {
  /** How the README and the 400 name it. */
  syntax: string;
  /** The number it carries, if any, is the first capture group. */
  pattern: RegExp;
  patch(n: number): Partial<MockOptions>;
}

const RULES: readonly OptionRule[] = [
  { syntax: 'tools', pattern: /^(?:tools|tool-call)$/, patch: () => ({ tools: true }) },
  { syntax: 'chunk-delay-<ms>', pattern: /^chunk-delay-(\d{1,10})$/, patch: (ms) => ({ chunkDelayMs: Math.min(ms, MAX_DELAY_MS) }) },
  { syntax: 'crlf', pattern: /^crlf$/, patch: () => ({ crlf: true }) },
  { syntax: 'nospace', pattern: /^nospace$/, patch: () => ({ nospace: true }) },
  { syntax: 'drop-after-<n>', pattern: /^drop-after-(\d{1,6})$/, patch: (n) => ({ dropAfter: n }) },
  { syntax: 'drop-mid-stream', pattern: /^drop-mid-stream$/, patch: () => ({ dropAfter: DROP_MID_STREAM_AFTER }) },
  { syntax: 'fail-after-<n>', pattern: /^fail-after-(\d{1,6})$/, patch: (n) => ({ failAfter: n }) },
  { syntax: 'empty-stream', pattern: /^empty-stream$/, patch: () => ({ emptyStream: true }) },
  { syntax: 'error-<status>', pattern: /^error-([45]\d\d)$/, patch: (status) => ({ errorStatus: status }) },
  { syntax: 'no-model-access', pattern: /^no-model-access$/, patch: () => ({ forbidden: 'model' }) },
  { syntax: 'region-blocked', pattern: /^region-blocked$/, patch: () => ({ forbidden: 'region' }) },
  { syntax: 'cached-<n>', pattern: /^cached-(\d{1,9})$/, patch: (n) => ({ cachedTokens: n }) },
  { syntax: 'cachewrite-<n>', pattern: /^cachewrite-(\d{1,9})$/, patch: (n) => ({ cacheWriteTokens: n }) },
  { syntax: 'reasoning-<n>', pattern: /^reasoning-(\d{1,9})$/, patch: (n) => ({ reasoningTokens: n }) },
  { syntax: 'slow-<ms>', pattern: /^slow-(\d{1,10})$/, patch: (ms) => ({ slowMs: Math.min(ms, MAX_DELAY_MS) }) },
];

const SYNTAX = RULES.map((r) => r.syntax).join(', ');

export function isMockModel(model: string): boolean {
  return model.startsWith(MOCK_PREFIX);
}

/** The behaviour a model name asks for; throws a 400 naming the first option it does not know. */
export function parseModelOptions(model: string): Readonly<MockOptions> {
  if (!isMockModel(model)) return DEFAULTS;
  const options: MockOptions = { ...DEFAULTS };
  for (const option of model.slice(MOCK_PREFIX.length).split('+')) {
    const rule = RULES.find((r) => r.pattern.test(option));
    if (rule === undefined) {
      throw new HttpError(
        400,
        `Unknown mock option '${option}' in model '${model}'. Model names starting with '${MOCK_PREFIX}' take options joined by '+': ${SYNTAX}.`,
        'invalid_request_error',
        'model',
        'invalid_value',
      );
    }
    Object.assign(options, rule.patch(Number(rule.pattern.exec(option)?.[1])));
  }
  return options;
}

/** Whether a mock- name parses (GET /v1/models/{id} knows it). */
export function isValidMockModel(model: string): boolean {
  if (!isMockModel(model)) return false;
  try {
    parseModelOptions(model);
    return true;
  } catch {
    return false;
  }
}
