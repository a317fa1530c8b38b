/** The model catalogue of GET /v1/models and GET /v1/models/{id}. */

import { isValidMockModel } from './mock-options.js';

// Fixed so /v1/models is byte-for-byte stable across runs.
const CREATED = 1_715_367_049;

export const MODEL_IDS: readonly string[] = [
  'gpt-4o-mini',
  'gpt-4o',
  'gpt-4.1-mini',
  'gpt-5',
  'gpt-5-codex',
  'o4-mini',
  'mock-tools',
  'mock-error-500',
  'mock-error-503',
  'mock-slow-2000',
  'mock-drop-mid-stream',
];

export function modelObject(id: string): Record<string, unknown> {
  return { id, object: 'model', created: CREATED, owned_by: 'mock' };
}

// Serialised once: the list never changes and /v1/models is polled by health checks.
export const MODELS_LIST_JSON = JSON.stringify({ object: 'list', data: MODEL_IDS.map(modelObject) });

/** The catalogue, and every mock- name whose options parse (they are endless). */
export function isKnownModel(id: string): boolean {
  return MODEL_IDS.includes(id) || isValidMockModel(id);
}
