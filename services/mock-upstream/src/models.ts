/** The model catalogue of GET /v1/models and GET /v1/models/{id} (anthropic-models.ts gives Anthropic's view of it). */

import { isValidMockModel } from './mock-options.js';

// Fixed so /v1/models is byte-for-byte stable across runs.
export const CREATED = 1_715_367_049;

/** Anthropic's models, also listed in OpenAI's shape so a gateway probing a channel with either finds them. */
export const CLAUDE_MODEL_IDS: readonly string[] = [
  'claude-opus-4-8',
  'claude-opus-4-5',
  'claude-opus-4-1',
  'claude-sonnet-4-5',
  'claude-sonnet-4',
  'claude-haiku-4-5',
  'claude-3-5-haiku-latest',
];

/** The mock's own behaviour models (mock-options.ts); any other mock- name that parses works too. */
export const MOCK_MODEL_IDS: readonly string[] = ['mock-tools', 'mock-error-500', 'mock-error-503', 'mock-slow-2000', 'mock-drop-mid-stream'];

/**
 * The models OpenAI offers that the gateway's seeded catalogue sells
 * (services/backend/migrations/1795710000001_seed-openai-catalogue.sql), Anthropic's,
 * then the mock's own behaviour models.
 */
export const MODEL_IDS: readonly string[] = [
  'gpt-5',
  'gpt-5-mini',
  'gpt-5-nano',
  'gpt-5-chat-latest',
  'gpt-5-codex',
  'gpt-5-codex-mini',
  'gpt-5-pro',
  'gpt-5.1',
  'gpt-5.1-chat-latest',
  'gpt-5.1-codex',
  'gpt-5.1-codex-mini',
  'codex-mini-latest',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'gpt-4o',
  'gpt-4o-2024-05-13',
  'gpt-4o-mini',
  'o1',
  'o1-mini',
  'o1-pro',
  'o3',
  'o3-mini',
  'o3-pro',
  'o3-deep-research',
  'o4-mini',
  'o4-mini-deep-research',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
  'dall-e-2',
  'dall-e-3',
  'gpt-image-1',
  'whisper-1',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
  'tts-1',
  'tts-1-hd',
  'gpt-4o-mini-tts',
  ...CLAUDE_MODEL_IDS,
  ...MOCK_MODEL_IDS,
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
