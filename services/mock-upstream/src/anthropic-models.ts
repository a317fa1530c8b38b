/**
 * GET /v1/models and GET /v1/models/{id} as Anthropic answers them (the request
 * carries `anthropic-version`): `{data:[{type:"model", id, display_name,
 * created_at}], has_more, first_id, last_id}`, paginated by `limit` (1–1000,
 * default 20), `after_id` and `before_id`.
 */

import { anthropicError } from './anthropic-errors.js';
import { CLAUDE_MODEL_IDS, CREATED, MOCK_MODEL_IDS, isKnownModel } from './models.js';

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  'claude-opus-4-8': 'Claude Opus 4.8',
  'claude-opus-4-5': 'Claude Opus 4.5',
  'claude-opus-4-1': 'Claude Opus 4.1',
  'claude-sonnet-4-5': 'Claude Sonnet 4.5',
  'claude-sonnet-4': 'Claude Sonnet 4',
  'claude-haiku-4-5': 'Claude Haiku 4.5',
  'claude-3-5-haiku-latest': 'Claude Haiku 3.5',
};

// RFC 3339 without fractions, as the API writes it; fixed so the list is stable across runs.
const CREATED_AT = new Date(CREATED * 1000).toISOString().replace('.000Z', 'Z');

const LISTED = [...CLAUDE_MODEL_IDS, ...MOCK_MODEL_IDS];

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

export function anthropicModel(id: string): Record<string, unknown> {
  return { type: 'model', id, display_name: DISPLAY_NAMES[id] ?? id, created_at: CREATED_AT };
}

/** One page of the list; `query` is the request's query string. */
export function anthropicModelList(query: string): Record<string, unknown> {
  const params = new URLSearchParams(query);
  const limitParam = params.get('limit');
  const limit = limitParam === null ? DEFAULT_LIMIT : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw anthropicError(400, `limit: Input should be an integer from 1 to ${MAX_LIMIT}`);
  }
  const afterId = params.get('after_id');
  const beforeId = params.get('before_id');
  let ids = LISTED;
  if (afterId !== null) ids = ids.slice(ids.indexOf(afterId) + 1);
  let hasMore: boolean;
  if (beforeId !== null) {
    // before_id pages backwards: the `limit` models just before it.
    const end = Math.max(0, ids.indexOf(beforeId));
    hasMore = end > limit;
    ids = ids.slice(Math.max(0, end - limit), end);
  } else {
    hasMore = ids.length > limit;
    ids = ids.slice(0, limit);
  }
  return { data: ids.map(anthropicModel), has_more: hasMore, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null };
}

/** A model by id: every listed one and every mock- name that parses; otherwise Anthropic's 404. */
export function anthropicModelById(id: string): Record<string, unknown> {
  if (!isKnownModel(id)) throw anthropicError(404, `model: ${id}`);
  return anthropicModel(id);
}
