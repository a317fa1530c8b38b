import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, metricSum, postJson, startExtraBackend, testStack, waitFor, waitForRows } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hello' }] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Entry = {
  request_id: string;
  key_name: string | null;
  model: string;
  status_code: number;
  refusal: string | null;
  total_tokens: number;
  cost: number;
};

let person: Awaited<ReturnType<typeof signedUpPerson>>;
/** The request ids of what the customer was answered, by outcome. */
const served: string[] = [];
const refused = new Map<string, { status: number; code: string }>();

// One customer with a plan of two requests a day, of gpt-4o-mini only, and two keys (one revoked).
before(async () => {
  person = await signedUpPerson(stack);
  const pkg = await admin.createPackage({ daily_request_limit: 2, models: ['gpt-4o-mini'] });
  await admin.grant(person.userId, pkg.id);
  const key = (await person.client.call('POST', '/keys', { name: 'main' })).body;
  const old = (await person.client.call('POST', '/keys', { name: 'old' })).body;
  assert.equal((await admin.revokeKey(old.id)).status, 204);
  await sleep(1200);

  const send = async (k: string, model: string) => {
    const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, k, chat(model));
    const id = res.headers.get('x-request-id')!;
    if (res.status === 200) served.push(id);
    else refused.set(id, { status: res.status, code: res.body.error.code });
    return res;
  };
  assert.equal((await send(key.key, 'gpt-4o-mini')).status, 200);
  assert.equal((await send(key.key, 'gpt-4o-mini')).status, 200);
  assert.equal((await send(key.key, 'gpt-4o')).status, 403, 'a model outside the plan');
  assert.equal((await send(key.key, 'gpt-4o-mini')).status, 429, 'past the daily limit');
  assert.equal((await send(old.key, 'gpt-4o-mini')).status, 401, 'a revoked key');
  await waitFor('five entries in the ledger', async () => (await person.client.call('GET', '/ledger')).body.data.length === 5, 20_000, 200);
});

describe('refusals in the customer ledger', () => {
  test('each refusal is listed with its status and reason, the key and model, no tokens and no cost', async () => {
    const ledger = (await person.client.call('GET', '/ledger?outcome=refused')).body.data as Entry[];
    assert.deepEqual(ledger.map((e) => e.request_id).sort(), [...refused.keys()].sort());
    const byCode = new Map(ledger.map((e) => [e.refusal, e]));
    assert.deepEqual(
      [...byCode.keys()].sort(),
      ['api_key_revoked', 'daily_request_limit_exceeded', 'model_not_allowed'],
      'a revoked key is recorded as what it is, though answered as any bad key',
    );
    assert.deepEqual(
      ['model_not_allowed', 'daily_request_limit_exceeded', 'api_key_revoked'].map((c) => byCode.get(c)!.status_code),
      [403, 429, 401],
    );
    assert.equal(byCode.get('model_not_allowed')!.model, 'gpt-4o');
    assert.equal(byCode.get('daily_request_limit_exceeded')!.key_name, 'main');
    assert.equal(byCode.get('api_key_revoked')!.key_name, 'old');
    assert.ok(
      ledger.every((e) => e.total_tokens === 0 && e.cost === 0),
      'a refusal costs nothing',
    );
  });

  test('the ledger filters by outcome and status, and the CSV carries the reason', async () => {
    const ids = async (query: string) => ((await person.client.call('GET', `/ledger?${query}`)).body.data as Entry[]).map((e) => e.request_id).sort();
    assert.deepEqual(await ids('outcome=served'), [...served].sort());
    assert.deepEqual(await ids('outcome=failed'), []);
    assert.equal((await ids('status=429')).length, 1);
    assert.equal((await ids('outcome=refused&model=gpt-4o')).length, 1);
    assert.equal((await person.client.call('GET', '/ledger?outcome=nothing')).status, 400);
    const csv = (await person.client.call('GET', '/ledger.csv?outcome=refused')).text.trim().split('\r\n');
    assert.match(csv[0]!, /,refusal,unit,units$/);
    assert.equal(csv.length, 4);
    assert.ok(
      csv.some((line) => /,429,\d+,daily_request_limit_exceeded,tokens,0$/.test(line)),
      csv.join('\n'),
    );
  });

  test('refusals count nowhere in the books: not as requests, tokens or cost of the day', async () => {
    const [day] = await waitForRows<{ request_count: number; cost_micros: string }>(
      'SELECT request_count::int, cost_micros FROM daily_usage WHERE user_id = $1',
      [person.userId],
      (r) => r.length === 1,
    );
    assert.equal(day!.request_count, 2);
    const today = (await person.client.call('GET', '/usage/today')).body;
    assert.equal(today.request_count, 2);
    const models = (await person.client.call('GET', `/usage/models?from=${today.date}&to=${today.date}`)).body;
    assert.deepEqual(
      models.totals.map((t: { model: string; request_count: number }) => [t.model, t.request_count]),
      [['gpt-4o-mini', 2]],
    );
  });
});

describe('refusals for the operator', () => {
  test('the request search finds them by outcome, with their reason', async () => {
    const search = async (outcome: string) => {
      const res = await admin.call('GET', `/usage/requests?user_id=${person.userId}&outcome=${outcome}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.data as Array<Entry & { user_id: number }>;
    };
    await waitFor('the replica has them', async () => (await search('refused')).length === 3, 20_000, 200);
    const rows = await search('refused');
    assert.deepEqual(rows.map((r) => r.refusal).sort(), ['api_key_revoked', 'daily_request_limit_exceeded', 'model_not_allowed']);
    assert.deepEqual((await search('served')).map((r) => r.request_id).sort(), [...served].sort());
    assert.equal((await admin.call('GET', '/usage/requests?outcome=maybe')).status, 400);
  });

  test("the overview's and the summary's error figures include them, counted apart as refusals", async () => {
    const overview = (await admin.call('GET', '/overview')).body;
    assert.ok(overview.today.refusal_count >= 3, JSON.stringify(overview.today));
    assert.ok(overview.today.error_count >= overview.today.refusal_count);
    const day = overview.date;
    const summary = (await admin.call('GET', `/usage/summary?from=${day}&to=${day}`)).body;
    assert.ok(summary.totals.refusal_count >= 3);
  });

  test('a guessed key writes no row: it is only counted, as anonymous', async () => {
    const started = Date.now();
    const before = await metricSum('gateway_refusals_total', { recorded: 'anonymous' });
    for (let i = 0; i < 3; i += 1) {
      const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, `sk-cg-${randomBytes(24).toString('base64url')}`, chat('gpt-4o-mini'));
      assert.equal(res.status, 401);
    }
    await waitFor('counted', async () => (await metricSum('gateway_refusals_total', { recorded: 'anonymous' })) >= before + 3, 5000, 100);
    await sleep(1000);
    // A key that was never issued has no owner: nothing is written for it.
    const rows = await waitForRows("SELECT 1 FROM usage_logs WHERE refusal = 'invalid_api_key' AND created_at > $1", [new Date(started)], () => true);
    assert.equal(rows.length, 0);
  });
});

describe('a refusal flood', () => {
  test('a key refused again and again has a bounded number of refusals recorded per minute, however fast it is refused', async () => {
    const backend = await startExtraBackend('refusal-flood', { WORKERS: '1', REFUSALS_PER_KEY_MINUTE: '3' });
    try {
      const { key, keyId, userId } = await admin.customer();
      assert.equal((await admin.revokeKey(keyId)).status, 204);
      await sleep(1200);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i += 1) statuses.push((await postJson(`${backend.url}/v1/chat/completions`, key, chat('gpt-4o-mini'))).status);
      assert.deepEqual(new Set(statuses), new Set([401]));
      await waitForRows('SELECT 1 FROM usage_logs WHERE user_id = $1', [userId], (r) => r.length >= 3);
      await sleep(1500);
      const rows = await waitForRows('SELECT 1 FROM usage_logs WHERE user_id = $1', [userId], () => true);
      assert.equal(rows.length, 3, 'three of forty recorded');
    } finally {
      await backend.service.stop();
    }
  });
});
