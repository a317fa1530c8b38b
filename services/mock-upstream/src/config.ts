/**
 * Runtime-tunable behaviour, changeable from the owning process (setConfig) or
 * over HTTP (POST /__mock/config) when the mock runs as a separate container.
 */

import { HttpError } from './http-util.js';

export interface MockRuntimeConfig {
  /** Delay before the first byte of every API answer. */
  latencyMs: number;
  /** Delay between consecutive SSE events of a stream. */
  chunkDelayMs: number;
  /** The next N generation requests (every POST API route but count_tokens) answer 500. */
  failNext: number;
  /** While not 0, every generation request answers this status (400–599) in its API's words (OpenAI's or Anthropic's). */
  failStatus: number;
  /** When above 0, the answers of failStatus and failNext carry `Retry-After` (and `retry-after-ms`). */
  retryAfterSeconds: number;
  /** When not null, API requests need `Authorization: Bearer <apiKey>` or `api-key: <apiKey>` (Anthropic routes: `x-api-key` or the bearer). */
  apiKey: string | null;
  /** While true, API requests get their connection cut before any answer; /__mock/* keeps working. */
  refuseConnections: boolean;
}

export type MockConfigPatch = Partial<MockRuntimeConfig>;

export const DEFAULT_CONFIG: Readonly<MockRuntimeConfig> = Object.freeze({
  latencyMs: 0,
  chunkDelayMs: 0,
  failNext: 0,
  failStatus: 0,
  retryAfterSeconds: 0,
  apiKey: null,
  refuseConnections: false,
});

interface KeyRule<T> {
  /** Completes "expected …" in the 400. */
  expected: string;
  valid(value: unknown): value is T;
}

type Rules = { readonly [K in keyof MockRuntimeConfig]: KeyRule<MockRuntimeConfig[K]> };

const nonNegativeNumber = { expected: 'a non-negative number', valid: (v: unknown): v is number => isNonNegative(v, false) };

const RULES: Rules = {
  latencyMs: nonNegativeNumber,
  chunkDelayMs: nonNegativeNumber,
  failNext: { expected: 'a non-negative integer', valid: (v): v is number => isNonNegative(v, true) },
  failStatus: {
    expected: 'an integer from 400 to 599, or 0 for off',
    valid: (v): v is number => v === 0 || (isNonNegative(v, true) && v >= 400 && v <= 599),
  },
  retryAfterSeconds: nonNegativeNumber,
  apiKey: { expected: 'a non-empty string, or null for none', valid: (v): v is string | null => v === null || (typeof v === 'string' && v !== '') },
  refuseConnections: { expected: 'a boolean', valid: (v): v is boolean => typeof v === 'boolean' },
};

export const CONFIG_KEYS = Object.keys(RULES) as readonly (keyof MockRuntimeConfig)[];

/**
 * Validates an untrusted patch. Unknown keys are rejected rather than ignored:
 * a misspelt "latency" silently doing nothing would make a test pass for the
 * wrong reason. An undefined value leaves its key alone.
 */
export function parseConfigPatch(input: unknown): MockConfigPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError(400, 'The mock config must be a JSON object.');
  }
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new HttpError(400, `Unknown mock config key '${key}'. Known keys: ${CONFIG_KEYS.join(', ')}.`, 'invalid_request_error', key);
    }
    if (value === undefined) continue;
    const rule: KeyRule<unknown> = RULES[key as keyof MockRuntimeConfig];
    if (!rule.valid(value)) {
      throw new HttpError(400, `Invalid mock config '${key}': expected ${rule.expected}.`, 'invalid_request_error', key);
    }
    patch[key] = value;
  }
  return patch as MockConfigPatch;
}

export function isNonNegative(value: unknown, integer: boolean): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!integer || Number.isInteger(value));
}

export function applyConfigPatch(config: MockRuntimeConfig, patch: MockConfigPatch): MockRuntimeConfig {
  for (const key of CONFIG_KEYS) assign(config, patch, key);
  return { ...config };
}

function assign<K extends keyof MockRuntimeConfig>(config: MockRuntimeConfig, patch: MockConfigPatch, key: K): void {
  const value = patch[key];
  if (value !== undefined) config[key] = value as MockRuntimeConfig[K];
}
