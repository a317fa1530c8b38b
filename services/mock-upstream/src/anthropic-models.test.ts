import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ANTHROPIC_HEADERS, anthropicErrorOf, mockForThisFile } from './test-support.js';

const upstream = mockForThisFile();

const CLAUDE_IDS = [
  'claude-opus-4-8',
  'claude-opus-4-5',
  'claude-opus-4-1',
  'claude-sonnet-4-5',
  'claude-sonnet-4',
  'claude-haiku-4-5',
  'claude-3-5-haiku-latest',
];

async function list(query = '', headers: Record<string, string> = ANTHROPIC_HEADERS): Promise<Record<string, any>> {
  const res = await fetch(`${upstream.base}/v1/models${query}`, { headers });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

describe('GET /v1/models with anthropic-version', () => {
  test("is Anthropic's list: type model, display_name, RFC 3339 created_at, has_more, first_id and last_id", async () => {
    const res = await fetch(`${upstream.base}/v1/models`, { headers: ANTHROPIC_HEADERS });
    assert.equal(res.headers.get('request-id'), res.headers.get('x-request-id'));
    const body = (await res.json()) as Record<string, any>;
    assert.deepEqual(Object.keys(body), ['data', 'has_more', 'first_id', 'last_id']);
    const ids = body.data.map((m: { id: string }) => m.id);
    assert.deepEqual(ids.slice(0, CLAUDE_IDS.length), CLAUDE_IDS);
    assert.ok(ids.includes('mock-tools'));
    assert.ok(!ids.includes('gpt-4o'), "OpenAI's models are not Anthropic's");
    assert.deepEqual(body.data[3], { type: 'model', id: 'claude-sonnet-4-5', display_name: 'Claude Sonnet 4.5', created_at: '2024-05-10T18:50:49Z' });
    assert.equal(body.has_more, false);
    assert.equal(body.first_id, 'claude-opus-4-8');
    assert.equal(body.last_id, ids.at(-1));
  });

  test('pages with limit, after_id and before_id', async () => {
    const first = await list('?limit=3');
    assert.deepEqual(
      first.data.map((m: { id: string }) => m.id),
      CLAUDE_IDS.slice(0, 3),
    );
    assert.equal(first.has_more, true);
    const next = await list(`?limit=3&after_id=${first.last_id}`);
    assert.deepEqual(
      next.data.map((m: { id: string }) => m.id),
      CLAUDE_IDS.slice(3, 6),
    );
    const back = await list('?limit=2&before_id=claude-sonnet-4');
    assert.deepEqual(
      back.data.map((m: { id: string }) => m.id),
      ['claude-opus-4-1', 'claude-sonnet-4-5'],
    );
    assert.equal(back.has_more, true);
    const bad = await fetch(`${upstream.base}/v1/models?limit=0`, { headers: ANTHROPIC_HEADERS });
    assert.equal(bad.status, 400);
    assert.equal((await anthropicErrorOf(bad)).type, 'invalid_request_error');
  });

  test('GET /v1/models/{id} answers one model, and not_found_error for an unknown one', async () => {
    const res = await fetch(`${upstream.base}/v1/models/claude-3-5-haiku-latest`, { headers: ANTHROPIC_HEADERS });
    assert.deepEqual(await res.json(), { type: 'model', id: 'claude-3-5-haiku-latest', display_name: 'Claude Haiku 3.5', created_at: '2024-05-10T18:50:49Z' });
    const missing = await fetch(`${upstream.base}/v1/models/claude-nope`, { headers: ANTHROPIC_HEADERS });
    assert.equal(missing.status, 404);
    assert.deepEqual(await anthropicErrorOf(missing), { type: 'not_found_error', message: 'model: claude-nope' });
  });

  test("without anthropic-version the list is OpenAI's, and it has the Claude models too", async () => {
    const body = await list('', {});
    assert.equal(body.object, 'list');
    const ids = body.data.map((m: { id: string }) => m.id);
    for (const id of ['gpt-4o', ...CLAUDE_IDS]) assert.ok(ids.includes(id), id);
    const one = await fetch(`${upstream.base}/v1/models/claude-sonnet-4`);
    assert.deepEqual(await one.json(), { id: 'claude-sonnet-4', object: 'model', created: 1_715_367_049, owned_by: 'mock' });
  });
});
