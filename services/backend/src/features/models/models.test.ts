import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import request from 'supertest';
import { testStack, waitFor } from '@codex-gateway/stack/testing';
import type { App } from '../../app.js';
import { inProcessApp } from '../../test-support.js';

const stack = testStack();
const TOKEN = 'models-test-admin-token-0123456789';
/** Names no other test file prices: the catalogue is shared by every file. */
const tag = `mt${process.pid}x${Date.now().toString(36)}`;
const made = new Set<string>();

let a: App;
let b: App;

const makeApp = (instance: string): App => inProcessApp(instance, { ADMIN_TOKEN: TOKEN, INSTANCE_ID: instance, DB_POOL_MAX: '4' });

const call = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
  const req = request(a.app)[method](`/api/admin${path}`).set('authorization', `Bearer ${TOKEN}`);
  return body === undefined ? req : req.send(body);
};
const at = (name: string) => `/models/${encodeURIComponent(name)}`;

async function createModel(body: Record<string, unknown>) {
  const res = await call('post', '/models', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  made.add(res.body.name);
  return res.body;
}

async function row(name: string) {
  const c = new pg.Client({ connectionString: stack.postgres.primaryUrl });
  await c.connect();
  try {
    return (await c.query('SELECT input_price_micros, cached_input_price_micros, output_price_micros FROM models WHERE name = $1', [name])).rows[0];
  } finally {
    await c.end();
  }
}

before(async () => {
  a = makeApp('models-test-a');
  b = makeApp('models-test-b');
  await b.modelCatalogue.list();
});

after(async () => {
  // Leave the shared catalogue as it was: the relay prices every file's requests with it.
  for (const name of made) await call('delete', at(name));
  await a.close();
  await b.close();
});

describe('the model catalogue for staff', () => {
  test('prices in dollars per million tokens round-trip exactly through micro-dollars; names may hold / : and .', async () => {
    const name = `${tag}/gpt-4.1:beta`;
    const created = await createModel({ name, input_price: 1.25, cached_input_price: 0.125, output_price: 10, notes: 'list price' });
    assert.deepEqual([created.input_price, created.cached_input_price, created.output_price, created.enabled], [1.25, 0.125, 10, true]);
    assert.deepEqual(await row(name), { input_price_micros: 1_250_000, cached_input_price_micros: 125_000, output_price_micros: 10_000_000 });

    const tiny = await createModel({ name: `${tag}-tiny`, input_price: 0.000001, output_price: 1.1, max_output_tokens: 100_000 });
    assert.deepEqual([tiny.input_price, tiny.cached_input_price, tiny.output_price, tiny.max_output_tokens], [0.000001, null, 1.1, 100_000]);
    assert.equal(created.max_output_tokens, null, 'no ceiling unless given');

    const listed = (await call('get', '/models')).body.find((m: { name: string }) => m.name === name);
    assert.equal(listed.input_price, 1.25);
    const patched = await call('patch', at(name), { output_price: 12.5, cached_input_price: null });
    assert.deepEqual([patched.status, patched.body.output_price, patched.body.cached_input_price], [200, 12.5, null]);
    const bare = await call('patch', `/models/${name}`, { notes: 'reached without encoding too' });
    assert.equal(bare.body.notes, 'reached without encoding too');

    assert.equal((await call('delete', at(name))).status, 204);
    assert.equal((await call('delete', at(name))).status, 404);
    const trail = (await call('get', `/audit-log?target_type=model&target_id=${encodeURIComponent(name)}`)).body.data.map((e: { action: string }) => e.action);
    assert.deepEqual(trail.reverse(), ['model.create', 'model.update', 'model.update', 'model.delete']);
  });

  test('every instance resolves a name within a second of a change: exact first, then the longest family, disabled ones too', async () => {
    await createModel({ name: `${tag}-fam-*`, input_price: 1, output_price: 2 });
    await createModel({ name: `${tag}-fam-long*`, input_price: 3, output_price: 4 });
    await createModel({ name: `${tag}-fam-long-exact`, input_price: 5, cached_input_price: 0.5, output_price: 6, enabled: false });
    await waitFor(
      'instance b has the entries',
      async () => (await b.modelCatalogue.list()).filter((m) => m.name.startsWith(`${tag}-fam-`)).length === 3,
      1000,
      20,
    );

    assert.equal((await b.modelCatalogue.resolve(`${tag}-fam-short`))?.name, `${tag}-fam-*`);
    assert.equal((await b.modelCatalogue.resolve(`${tag}-fam-longer`))?.name, `${tag}-fam-long*`);
    const { created, ...exact } = (await b.modelCatalogue.resolve(`${tag}-fam-long-exact`))!;
    assert.deepEqual(exact, {
      name: `${tag}-fam-long-exact`,
      inputPriceMicros: 5_000_000,
      cachedInputPriceMicros: 500_000,
      cacheWritePriceMicros: 5_000_000,
      outputPriceMicros: 6_000_000,
      imagePrices: {},
      audioSecondPriceMicros: null,
      characterPriceMicros: null,
      maxOutputTokens: null,
      enabled: false,
    });
    assert.ok(Math.abs(created - Date.now() / 1000) < 60, 'created: Unix seconds');
    assert.equal(await b.modelCatalogue.resolve(`${tag}-fa`), undefined);
    assert.equal((await b.modelCatalogue.resolve(`${tag}-fam-x`))?.cachedInputPriceMicros, 1_000_000, 'no cached price: the input price');

    await call('patch', at(`${tag}-fam-long*`), { input_price: 7.5 });
    await waitFor('instance b has the new price', async () => (await b.modelCatalogue.resolve(`${tag}-fam-longer`))?.inputPriceMicros === 7_500_000, 1000, 20);
    await call('delete', at(`${tag}-fam-long*`));
    await waitFor('instance b forgets it', async () => (await b.modelCatalogue.resolve(`${tag}-fam-longer`))?.name === `${tag}-fam-*`, 1000, 20);
  });

  test('bad input is a 400 in the API’s error shape; a taken name is a 409', async () => {
    const ok = { name: `${tag}-bad`, input_price: 1, output_price: 1 };
    for (const body of [
      {},
      { ...ok, name: 'has space' },
      { ...ok, name: '*' },
      { ...ok, name: 'a*b' },
      { ...ok, input_price: -1 },
      { ...ok, input_price: 1.0000001 },
      { ...ok, output_price: '1' },
      { ...ok, output_price: 1_000_001 },
      { ...ok, cached_input_price: -0.5 },
      { ...ok, enabled: 'yes' },
      { ...ok, max_output_tokens: 0 },
      { ...ok, max_output_tokens: 1.5 },
      { ...ok, max_output_tokens: 1_000_001 },
      { name: `${tag}-bad` },
    ]) {
      const res = await call('post', '/models', body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
    await createModel({ ...ok, name: `${tag}-dup` });
    assert.equal((await call('post', '/models', { ...ok, name: `${tag}-dup` })).body.error.code, 'model_exists');
    assert.equal((await call('patch', at(`${tag}-dup`), {})).status, 400);
    assert.equal((await call('patch', at(`${tag}-nothing-here`), { input_price: 1 })).status, 404);
    assert.equal((await call('patch', at('bad name'), { input_price: 1 })).status, 404);
  });
});
