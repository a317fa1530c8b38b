/**
 * Runtime-tunable behaviour, changeable from the owning process (setConfig) or
 * over HTTP (POST /__mock/config) when the mock runs as a separate container.
 */

import { HttpError } from './http-util.js';

export interface MockRuntimeConfig {
  /** Delay before the first byte of every /v1 answer. */
  latencyMs: number;
  /** Delay between consecutive SSE events of a stream. */
  chunkDelayMs: number;
  /** The next N generation requests (chat completions, responses) answer 500. */
  failNext: number;
}

export type MockConfigPatch = Partial<MockRuntimeConfig>;

const KEYS: readonly (keyof MockRuntimeConfig)[] = ['latencyMs', 'chunkDelayMs', 'failNext'];

/**
 * Validates an untrusted patch. Unknown keys are rejected rather than ignored:
 * a misspelt "latency" silently doing nothing would make a test pass for the
 * wrong reason.
 */
export function parseConfigPatch(input: unknown): MockConfigPatch {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError(400, 'The mock config must be a JSON object.');
  }
  const patch: MockConfigPatch = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new HttpError(400, `Unknown mock config key '${key}'. Known keys: ${KEYS.join(', ')}.`, 'invalid_request_error', key);
    }
    if (value === undefined) continue;
    const k = key as keyof MockRuntimeConfig;
    const integer = k === 'failNext';
    if (!isNonNegative(value, integer)) {
      throw new HttpError(400, `Invalid mock config '${key}': expected a non-negative ${integer ? 'integer' : 'number'}.`, 'invalid_request_error', key);
    }
    patch[k] = value;
  }
  return patch;
}

export function isNonNegative(value: unknown, integer: boolean): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && (!integer || Number.isInteger(value));
}

export function applyConfigPatch(config: MockRuntimeConfig, patch: MockConfigPatch): MockRuntimeConfig {
  for (const key of KEYS) {
    const value = patch[key];
    if (value !== undefined) config[key] = value;
  }
  return { ...config };
}
