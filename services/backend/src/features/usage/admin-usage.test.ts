import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { adminApi, postJson, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);

// Model names of this run only (the mock upstream reads `chunk-delay-N` as an option that
// changes nothing for a non-streaming answer), so the model filter and ranking see only ours.
const run = Date.now() % 1_000_000_000;
const M1 = `mock-chunk-delay-${run}`;
const M2 = `mock-chunk-delay-${run + 1}`;
const M1_418 = `${M1}+error-418`;
const M1_503 = `${M1}+error-503`;

type Row = {
  request_id: string;
  created_at: string;
  user_id: number;
  api_key_id: number;
  model: string;
  status_code: number;
  prompt_tokens: number;
  completion_tokens: number;
};

const get = (path: string) => admin.call('GET', path);
const search = async (query: Record<string, string | number>) => {
  const res = await get(`/usage/requests?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as { data: Row[]; next_cursor: string | null };
};
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Yesterday to tomorrow (UTC dates): today's business day whatever BUSINESS_TIMEZONE is. */
const around = () => ({ from: dayOf(Date.now() - 86_400_000), to: dayOf(Date.now() + 86_400_000) });
const summary = async (top = 100) => {
  const { from, to } = around();
  const res = await get(`/usage/summary?from=${from}&to=${to}&top=${top}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
};

async function chat(key: string, model: string, status = 200) {
  const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { model, messages: [{ role: 'user', content: `hello ${model}` }] });
  assert.equal(res.status, status, JSON.stringify(res.body));
}

let alice: { userId: number; keyId: number; key: string; secondKeyId: number };
let bob: { userId: number; keyId: number };
let since: string;
let summaryBefore: { totals: { request_count: number; error_count: number } };
/** Alice's rows, newest first, as the search answers them. */
let aliceRows: Row[];

before(async () => {
  summaryBefore = await summary();
  since = new Date(Date.now() - 1000).toISOString();
  const a = await admin.customer();
  const second = await admin.issueKey(a.userId, { name: 'second' });
  const b = await admin.customer();
  alice = { ...a, secondKeyId: second.id };
  bob = b;
  for (let i = 0; i < 4; i += 1) await chat(a.key, M1);
  await chat(a.key, M1_418, 418);
  await chat(a.key, M1_503, 503);
  for (let i = 0; i < 2; i += 1) await chat(second.key, M2);
  for (let i = 0; i < 3; i += 1) await chat(b.key, M2);
  // The flusher writes to the primary; the search reads the replica.
  await waitFor(
    'the requests in the search',
    async () => (await search({ user_id: a.userId, from: since })).data.length === 8 && (await search({ user_id: b.userId, from: since })).data.length === 3,
    20_000,
    200,
  );
  aliceRows = (await search({ user_id: a.userId, from: since })).data;
});

describe('admin usage search', () => {
  test("a user's requests come newest first, with every field", () => {
    assert.equal(aliceRows.length, 8);
    assert.ok(aliceRows.every((r) => r.user_id === alice.userId));
    const times = aliceRows.map((r) => Date.parse(r.created_at));
    assert.deepEqual(
      times,
      [...times].sort((x, y) => y - x),
    );
    assert.deepEqual(Object.keys(aliceRows[0]!).sort(), [
      'api_key_id',
      'cached_tokens',
      'channel',
      'completion_tokens',
      'cost',
      'created_at',
      'latency_ms',
      'model',
      'prompt_tokens',
      'reasoning_tokens',
      'refusal',
      'request_id',
      'status_code',
      'stream',
      'total_tokens',
      'unit',
      'units',
      'user_id',
    ]);
    assert.deepEqual(aliceRows.map((r) => r.model).slice(0, 4), [M2, M2, M1_503, M1_418]);
  });

  test('filters by key, model, status and status class', async () => {
    const secondKey = await search({ key_id: alice.secondKeyId, from: since });
    assert.deepEqual(
      secondKey.data.map((r) => [r.api_key_id, r.model]),
      [
        [alice.secondKeyId, M2],
        [alice.secondKeyId, M2],
      ],
    );
    const m2 = await search({ model: M2, from: since });
    assert.equal(m2.data.length, 5);
    assert.deepEqual(new Set(m2.data.map((r) => r.user_id)), new Set([alice.userId, bob.userId]));
    assert.equal((await search({ model: M2, user_id: bob.userId, from: since })).data.length, 3);
    assert.equal((await search({ model: M1, key_id: alice.keyId, from: since })).data.length, 4);

    const byClass = async (status_class: string) => (await search({ user_id: alice.userId, from: since, status_class })).data.map((r) => r.status_code);
    assert.deepEqual(await byClass('4xx'), [418]);
    assert.deepEqual(await byClass('5xx'), [503]);
    assert.deepEqual(await byClass('2xx'), [200, 200, 200, 200, 200, 200]);
    assert.deepEqual(
      (await search({ status: 418, model: M1_418, from: since })).data.map((r) => r.user_id),
      [alice.userId],
    );
    assert.deepEqual((await search({ status: 503, status_class: '4xx', user_id: alice.userId, from: since })).data, []);
  });

  test('a time range includes its start and excludes its end', async () => {
    const pivot = aliceRows[3]!.created_at;
    const newer = await search({ user_id: alice.userId, from: pivot });
    assert.deepEqual(
      newer.data.map((r) => r.request_id),
      aliceRows.slice(0, 4).map((r) => r.request_id),
    );
    const older = await search({ user_id: alice.userId, from: since, to: pivot });
    assert.deepEqual(
      older.data.map((r) => r.request_id),
      aliceRows.slice(4).map((r) => r.request_id),
    );
    assert.deepEqual((await search({ user_id: alice.userId, from: '2020-01-01T00:00:00Z', to: since })).data, []);
  });

  test('pages neither repeat nor skip a row, and the last page says so', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { data: Row[]; next_cursor: string | null } = await search({ user_id: alice.userId, from: since, limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((r) => r.request_id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      aliceRows.map((r) => r.request_id),
    );
    const exact = await search({ user_id: alice.userId, from: since, limit: 8 });
    assert.equal(exact.next_cursor, null, 'a page that holds the rest has no next page');
  });

  test('without user or key the search covers the cluster, and stays within a month', async () => {
    const recent = await search({ from: since, limit: 200 });
    const ids = new Set(recent.data.map((r) => r.request_id));
    for (const r of aliceRows) assert.ok(ids.has(r.request_id));
    const longAgo = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const tooLong = await get(`/usage/requests?from=${longAgo}`);
    assert.equal(tooLong.status, 400);
    assert.match(tooLong.body.error.message, /31 days/);
    assert.equal((await search({ from: longAgo, user_id: alice.userId })).data.length, 8);
    assert.equal((await search({ from: longAgo, key_id: alice.keyId })).data.length, 6);
  });
});

describe('admin usage summary', () => {
  test('totals per day include the requests, and the top lists rank users and models', async () => {
    // One request of M2 fails (the upstream answers 500 once): a model the top lists rank,
    // whatever else the cluster served today, whose failure must count as an error only.
    const carol = await admin.customer();
    const mock = (patch: object) =>
      fetch(`${stack.upstreamUrl}/__mock/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
    assert.equal((await mock({ failNext: 1 })).status, 200);
    try {
      const failed = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, carol.key, { model: M2, messages: [{ role: 'user', content: 'fail once' }] });
      assert.ok(failed.status >= 500, `the failed request answered ${failed.status}`);
    } finally {
      await mock({ failNext: 0 });
    }
    await waitFor('the failed request in the search', async () => (await search({ user_id: carol.userId, from: since })).data.length === 1, 20_000, 200);
    const after = await summary();
    assert.ok(after.daily.length >= 3);
    assert.ok(after.totals.request_count >= summaryBefore.totals.request_count + 9, 'nine served');
    assert.ok(after.totals.error_count >= summaryBefore.totals.error_count + 3, 'three failed');
    const sum = (k: string) => after.daily.reduce((s: number, d: Record<string, number>) => s + d[k]!, 0);
    assert.equal(sum('request_count'), after.totals.request_count);
    assert.equal(sum('error_count'), after.totals.error_count);
    assert.equal(sum('prompt_tokens'), after.totals.prompt_tokens);
    assert.ok(after.totals.user_count >= 2);

    const users = after.top_users.by_requests as Array<{ user_id: number; email: string; request_count: number; prompt_tokens: number; total_tokens: number }>;
    const a = users.findIndex((u) => u.user_id === alice.userId);
    const b = users.findIndex((u) => u.user_id === bob.userId);
    assert.ok(a >= 0 && b > a, 'alice (6 served) ranks above bob (3)');
    assert.equal(users[a]!.request_count, 6);
    assert.match(users[a]!.email, /@/);
    assert.equal(
      users[a]!.prompt_tokens,
      aliceRows.reduce((s, r) => s + r.prompt_tokens, 0),
    );
    const byTokens = after.top_users.by_tokens as Array<{ total_tokens: number }>;
    assert.deepEqual(
      byTokens.map((u) => u.total_tokens),
      byTokens.map((u) => u.total_tokens).sort((x, y) => y - x),
    );

    const models = after.top_models.by_requests as Array<{ model: string; request_count: number; error_count: number }>;
    const m1 = models.findIndex((m) => m.model === M1);
    const m2 = models.findIndex((m) => m.model === M2);
    assert.ok(m2 >= 0 && m1 > m2, 'M2 (5 requests) ranks above M1 (4)');
    // A failed request counts an error of its model, not a request.
    assert.deepEqual([models[m2]!.request_count, models[m2]!.error_count, models[m1]!.request_count, models[m1]!.error_count], [5, 1, 4, 0]);

    const one = await summary(1);
    assert.equal(one.top_users.by_requests.length, 1);
    assert.equal(one.top_models.by_tokens.length, 1);
  });
});

describe('admin usage: bad input and no token', () => {
  test('a made-up cursor, a bad date or a bad filter is a 400 in the API error shape', async () => {
    const madeUp = [
      'not-a-cursor',
      Buffer.from('2026-02-30 00:00:00+00|abc').toString('base64url'),
      Buffer.from('2026-11-26 00:00:00+00|').toString('base64url'),
      Buffer.from("2026-11-26 00:00:00+00|x' OR 1=1 --").toString('base64url'),
      Buffer.from('2026-11-26 00:00:00+00|a\u0000b').toString('base64url'),
      // Offsets and times Postgres refuses: each was a 500.
      Buffer.from('2026-11-26 00:00:00+99|abc').toString('base64url'),
      Buffer.from('2026-11-26 00:00:00-16:00|abc').toString('base64url'),
      Buffer.from('2026-11-26 00:00:00+05:60|abc').toString('base64url'),
      Buffer.from('2026-11-26 23:59:60+00|abc').toString('base64url'),
      'x'.repeat(500),
    ];
    for (const cursor of madeUp) {
      const res = await get(`/usage/requests?cursor=${encodeURIComponent(cursor)}`);
      assert.equal(res.status, 400, cursor);
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
    for (const query of [
      'from=yesterday',
      'from=2026-11-26',
      'to=2026-13-01T00:00:00Z',
      'from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z',
      'status_class=3xx',
      'status=99',
      'limit=0',
      'limit=201',
      'user_id=abc',
      'key_id=-1',
      'model=a&model=b',
      'model=',
    ]) {
      const res = await get(`/usage/requests?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(typeof res.body.error.message, 'string');
    }
    for (const query of [
      'from=2026-02-30&to=2026-03-01',
      'from=2026-11-02&to=2026-11-01',
      'from=2026-01-01&to=2026-06-01',
      'from=2026-11-01',
      'from=2026-11-01&to=2026-11-02&top=0',
    ]) {
      const res = await get(`/usage/summary?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.error.code, 'invalid_request');
    }
  });

  test('without the admin token both are 401', async () => {
    for (const path of ['/api/admin/usage/requests', '/api/admin/usage/summary?from=2026-11-01&to=2026-11-02']) {
      assert.equal((await fetch(`${stack.gatewayUrl}${path}`)).status, 401);
      const wrong = await fetch(`${stack.gatewayUrl}${path}`, { headers: { authorization: 'Bearer not-the-admin-token' } });
      assert.equal(wrong.status, 401);
    }
  });
});
