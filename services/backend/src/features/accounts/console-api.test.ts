import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { createConsoleClient, signedUpPerson } from '@codex-gateway/stack/console-client';
import { adminApi, payOnFakeStripe, postJson, statusesOnEveryWorker, testSecrets, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hello' }] });

/** A signed-in person with a package in effect today. */
async function customer() {
  const person = await signedUpPerson(stack);
  const pkg = await admin.createPackage({ daily_request_limit: 100, daily_token_limit: 1_000_000 });
  await admin.call('POST', `/users/${person.userId}/packages`, { package_id: pkg.id });
  return person;
}

async function newKey(client: ReturnType<typeof createConsoleClient>, name: string) {
  const res = await client.call('POST', '/keys', { name });
  assert.equal(res.status, 201, res.text);
  return res.body;
}

describe('console: API keys', () => {
  test('a key is created with its plain value shown once, works at once, is renamed and revoked everywhere within a second', async () => {
    const { client } = await customer();
    const created = await newKey(client, 'laptop');
    assert.match(created.key, /^sk-cg-/);
    assert.equal(created.key_prefix, created.key.slice(0, created.key_prefix.length));
    const listed = await client.call('GET', '/keys');
    assert.equal(listed.body.data.length, 1);
    assert.equal(listed.body.data[0].key, undefined, 'never shown again');
    assert.equal(listed.body.data[0].last_used_at, null);

    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, created.key, chat('gpt-4o-mini'))).status, 200);
    await waitFor('last use recorded', async () => (await client.call('GET', '/keys')).body.data[0].last_used_at !== null, 15_000, 200);

    const renamed = await client.call('PATCH', `/keys/${created.id}`, { name: 'work laptop' });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'work laptop');

    assert.equal((await client.call('DELETE', `/keys/${created.id}`)).status, 204);
    const started = Date.now();
    await waitFor('refused on every worker', async () => (await statusesOnEveryWorker(created.key, 4)).every((s) => s === 401), 1000, 10);
    assert.ok(Date.now() - started < 1000);
    assert.equal((await client.call('GET', '/keys')).body.data[0].status, 'revoked');
  });

  test('an expiry in the past or an empty name is a 400', async () => {
    const { client } = await customer();
    assert.equal((await client.call('POST', '/keys', { name: 'old', expires_at: '2020-01-01T00:00:00Z' })).status, 400);
    assert.equal((await client.call('POST', '/keys', { name: '  ' })).status, 400);
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    assert.equal((await client.call('POST', '/keys', { name: 'tomorrow', expires_at: soon })).body.expires_at, soon);
  });
});

describe('console: one person never reaches another', () => {
  test("another person's keys, orders, usage and ledger are invisible and untouchable", async () => {
    const alice = await customer();
    const bob = await customer();
    const key = await newKey(alice.client, 'alice');
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key.key, chat('gpt-4o-mini'))).status, 200);
    const pkg = await admin.createPackage({ price_cents: 990 });
    const order = await alice.client.call('POST', '/orders', { package_id: pkg.id, provider: 'stripe' });
    assert.equal(order.status, 201, order.text);

    assert.equal((await bob.client.call('PATCH', `/keys/${key.id}`, { name: 'mine now' })).status, 404);
    assert.equal((await bob.client.call('DELETE', `/keys/${key.id}`)).status, 404);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key.key, chat('gpt-4o-mini'))).status, 200, 'still alive');
    assert.deepEqual((await bob.client.call('GET', '/keys')).body.data, []);
    assert.equal((await bob.client.call('GET', `/orders/${order.body.order_no}`)).status, 404);
    assert.deepEqual((await bob.client.call('GET', '/orders')).body.data, []);
    await waitFor('alice ledger', async () => (await alice.client.call('GET', '/ledger')).body.data.length === 2, 15_000, 200);
    assert.deepEqual((await bob.client.call('GET', '/ledger')).body.data, []);
    assert.deepEqual((await bob.client.call('GET', `/ledger?key_id=${key.id}`)).body.data, [], 'not through a filter either');
    assert.equal((await bob.client.call('GET', '/usage/today')).body.request_count, 0);
  });

  test('without a session every console route is a 401 in the error shape', async () => {
    const client = createConsoleClient(stack);
    await client.session();
    for (const [method, path] of [
      ['GET', '/me'],
      ['GET', '/keys'],
      ['POST', '/keys'],
      ['GET', '/packages'],
      ['GET', '/catalog'],
      ['GET', '/usage/today'],
      ['GET', '/usage/daily?from=2026-01-01&to=2026-01-02'],
      ['GET', '/ledger'],
      ['GET', '/ledger.csv'],
      ['GET', '/orders'],
      ['POST', '/orders'],
      ['POST', '/redeem'],
    ] as const) {
      const res = await client.call(method, path, method === 'POST' ? {} : undefined);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.error.code, 'not_signed_in');
    }
  });
});

describe('console: usage and the ledger', () => {
  test('requests appear in today’s meters, per day, per model, and in the ledger with filters, pages and CSV', async () => {
    const { client } = await customer();
    const a = await newKey(client, 'alpha');
    const b = await newKey(client, 'beta, "quoted"');
    for (const [key, model] of [
      [a.key, 'gpt-4o-mini'],
      [a.key, 'gpt-4o-mini'],
      [b.key, 'gpt-5-codex'],
    ]) {
      assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key!, chat(model!))).status, 200);
    }
    const today = await client.call('GET', '/usage/today');
    assert.equal(today.body.request_count, 3);
    assert.equal(today.body.limits.daily_request_limit, 100);
    assert.equal(today.body.package.days_left, 30);
    assert.ok(today.body.total_tokens > 0);

    await waitFor('ledger', async () => (await client.call('GET', '/ledger')).body.data.length === 3, 15_000, 200);
    const day = today.body.date;
    const daily = await client.call('GET', `/usage/daily?from=${day}&to=${day}`);
    assert.deepEqual(
      daily.body.daily.map((d: { request_count: number }) => d.request_count),
      [3],
    );
    const models = await client.call('GET', `/usage/models?from=${day}&to=${day}`);
    assert.deepEqual(
      models.body.totals.map((t: { model: string; request_count: number }) => [t.model, t.request_count]),
      [
        ['gpt-4o-mini', 2],
        ['gpt-5-codex', 1],
      ],
    );

    const first = await client.call('GET', '/ledger?limit=2');
    assert.equal(first.body.data.length, 2);
    assert.ok(first.body.next_cursor);
    const second = await client.call('GET', `/ledger?limit=2&cursor=${first.body.next_cursor}`);
    assert.equal(second.body.data.length, 1);
    assert.equal(second.body.next_cursor, null);
    const ids = [...first.body.data, ...second.body.data].map((e: { request_id: string }) => e.request_id);
    assert.equal(new Set(ids).size, 3, 'pages neither repeat nor skip');
    const entry = second.body.data[0];
    assert.equal(entry.key_name, 'alpha', 'oldest last');
    assert.equal(entry.status_code, 200);
    assert.equal(entry.stream, false);
    assert.ok(entry.latency_ms >= 0);

    assert.equal((await client.call('GET', `/ledger?key_id=${b.id}`)).body.data.length, 1);
    assert.equal((await client.call('GET', '/ledger?model=gpt-4o-mini')).body.data.length, 2);
    assert.equal((await client.call('GET', `/ledger?date=${day}`)).body.data.length, 3);
    assert.equal((await client.call('GET', '/ledger?date=2020-01-01')).body.data.length, 0);
    assert.equal((await client.call('GET', '/ledger?cursor=bm9wZQ')).status, 400, 'a made-up cursor');
    const impossible = Buffer.from('2026-02-30 00:00:00+00|x').toString('base64url');
    assert.equal((await client.call('GET', `/ledger?cursor=${impossible}`)).status, 400, 'an impossible day is a 400, not a 500');
    assert.equal((await client.call('GET', '/ledger?limit=0')).status, 400);

    const csv = await client.call('GET', '/ledger.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    assert.match(csv.headers.get('content-disposition')!, /attachment/);
    const lines = csv.text.trim().split('\r\n');
    assert.equal(
      lines[0],
      'time,request_id,key,model,stream,prompt_tokens,completion_tokens,total_tokens,cached_tokens,reasoning_tokens,cost_usd,status,latency_ms,refusal,unit,units',
    );
    assert.equal(lines.length, 4);
    assert.ok(
      lines.some((l) => l.includes('"beta, ""quoted"""')),
      'cells with commas and quotes are quoted',
    );
  });
});

describe('console: buying, orders and redemption', () => {
  test('a person buys a package on Stripe; the signed return link shows the order fulfilled; the plan appears', async () => {
    const { client } = await signedUpPerson(stack);
    const pkg = await admin.createPackage({ price_cents: 1500, daily_request_limit: 50 });
    const catalog = await client.call('GET', '/catalog');
    assert.ok(catalog.body.packages.some((p: { id: number }) => p.id === pkg.id));
    assert.deepEqual(catalog.body.providers.map((p: { name: string }) => p.name).sort(), ['epay', 'stripe']);
    const order = await client.call('POST', '/orders', { package_id: pkg.id, provider: 'stripe' });
    assert.equal(order.status, 201);
    assert.equal(order.body.amount_cents, 1500);
    assert.equal(order.body.package_name, pkg.name);
    const orderNo = order.body.order_no;

    const sig = createHmac('sha256', testSecrets().keyPepper).update(`order-return:${orderNo}`).digest('base64url').slice(0, 32);
    const status = (s?: string) => createConsoleClient(stack).call('GET', `/order-status/${orderNo}${s === undefined ? '' : `?sig=${s}`}`);
    assert.equal((await status()).status, 404, 'no signature, no answer');
    assert.equal((await status('x'.repeat(32))).status, 404);
    assert.equal((await status(sig)).body.status, 'pending');

    const paid = await payOnFakeStripe(order.body.checkout_url);
    assert.equal(paid.status, 200);
    await waitFor('fulfilled', async () => (await status(sig)).body.status === 'fulfilled', 10_000, 100);
    const mine = await client.call('GET', '/packages');
    assert.equal(mine.body.current.package_id, pkg.id);
    assert.equal(mine.body.current.source, 'order');
    assert.equal(mine.body.current.order_no, orderNo);
    assert.equal((await client.call('GET', '/orders')).body.data[0].status, 'fulfilled');
  });

  test('an unknown provider or package is a 400/404, never a 500', async () => {
    const { client } = await signedUpPerson(stack);
    const pkg = await admin.createPackage({ price_cents: 100 });
    assert.equal((await client.call('POST', '/orders', { package_id: pkg.id, provider: 'paypal' })).status, 400);
    assert.equal((await client.call('POST', '/orders', { package_id: 987654321, provider: 'stripe' })).status, 404);
    assert.equal((await client.call('POST', '/orders', { package_id: 'x', provider: 'stripe' })).status, 400);
  });

  test('a redemption code adds its package once, queued after the current one', async () => {
    const { client } = await customer();
    const pkg = await admin.createPackage({ duration_days: 7 });
    const { codes } = (await admin.call('POST', '/redemption-codes', { package_id: pkg.id, count: 1 })).body;
    const redeemed = await client.call('POST', '/redeem', { code: codes[0].toLowerCase() });
    assert.equal(redeemed.status, 201, redeemed.text);
    assert.equal(redeemed.body.source, 'redemption');
    assert.equal(redeemed.body.package_name, pkg.name);
    const mine = await client.call('GET', '/packages');
    assert.equal(mine.body.queued.length, 1);
    assert.equal(mine.body.queued[0].id, redeemed.body.id);
    const again = await client.call('POST', '/redeem', { code: codes[0] });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'code_already_redeemed');
    assert.equal((await client.call('POST', '/redeem', { code: 'NOPE-NOPE' })).status, 404);
  });
});
