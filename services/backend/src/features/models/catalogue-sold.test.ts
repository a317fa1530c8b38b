import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { adminApi, getWithKey, metricSum, postJson, startExtraBackend, testStack, waitFor, waitForRows } from '@codex-gateway/stack/testing';
import { createLogger } from '../../infra/logger.js';
import { MIGRATIONS_DIR, runMigrations } from '../../infra/migrate.js';

const stack = testStack();
const admin = adminApi(stack);
const tag = `cs${process.pid}x${Date.now().toString(36)}`;
const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'What does it cost?' }], ...extra });
const cleanups: Array<() => Promise<unknown>> = [];

after(async () => {
  for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
});

async function usageOf(key: string) {
  return JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
}

/** The exact names the seed migration sells (families are not models of their own). */
function seededNames(): string[] {
  const sql = readFileSync(`${MIGRATIONS_DIR}/1795710000001_seed-openai-catalogue.sql`, 'utf8');
  return [...sql.matchAll(/^\s+\('([^']+)',/gm)].map((m) => m[1]!).filter((name) => !name.endsWith('*'));
}

async function catalogue(): Promise<Array<{ name: string; enabled: boolean }>> {
  const res = await admin.call('GET', '/models');
  assert.equal(res.status, 200);
  return res.body;
}

describe('the catalogue is the list of what is sold', () => {
  test("a model the catalogue does not have, or has withdrawn, is refused with OpenAI's 404 model_not_found, and nothing is counted", async () => {
    const { key, userId } = await admin.customer({ daily_credit_limit: 1 });
    const withdrawn = `${tag}-withdrawn`;
    assert.equal((await admin.call('POST', '/models', { name: withdrawn, input_price: 1, output_price: 1, enabled: false })).status, 201);
    cleanups.push(() => admin.call('DELETE', `/models/${withdrawn}`));
    await sleep(300);
    for (const model of [`${tag}-nowhere`, withdrawn, 'mock', 'gpt-4o-mini-but-not-really']) {
      for (const [path, body] of [
        ['/v1/chat/completions', chat(model)],
        ['/v1/chat/completions', chat(model, { stream: true })],
        ['/v1/responses', { model, input: 'hi' }],
      ] as const) {
        const res = await postJson(`${stack.gatewayUrl}${path}`, key, body);
        assert.equal(res.status, 404, `${model} on ${path}: ${JSON.stringify(res.body)}`);
        assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message', 'param', 'request_id', 'type']);
        assert.equal(res.body.error.code, 'model_not_found');
        assert.equal(res.body.error.type, 'invalid_request_error');
        assert.equal(res.body.error.param, 'model');
        assert.doesNotMatch(res.body.error.message, /upstream|channel/i, 'says nothing of what the upstream knows');
      }
    }
    const usage = await usageOf(key);
    assert.equal(usage.request_count, 0);
    assert.equal(usage.cost, 0);
    await sleep(500);
    const rows = await waitForRows('SELECT 1 FROM usage_logs WHERE user_id = $1', [userId], () => true);
    assert.equal(rows.length, 0, 'no usage record');
  });

  test('a credit limit limits every model served: the seeded prices are charged, so a $0.0002 limit stops gpt-4o-mini and gpt-5-codex', async () => {
    for (const [path, body] of [
      ['/v1/chat/completions', chat('gpt-4o-mini', { max_tokens: 16 })],
      ['/v1/responses', { model: 'gpt-5-codex', input: 'What does it cost?', max_output_tokens: 16 }],
    ] as const) {
      const { key, userId } = await admin.customer({ daily_credit_limit: 0.0002 });
      let last: { status: number; body: any } | undefined;
      let served = 0;
      for (let i = 0; i < 200; i += 1) {
        last = await postJson(`${stack.gatewayUrl}${path}`, key, body);
        if (last.status !== 200) break;
        served += 1;
      }
      assert.equal(last?.status, 429, `${path}: ${served} served, the limit never refused`);
      assert.equal(last?.body.error.code, 'daily_credit_limit_exceeded');
      assert.ok(served > 0, 'the first requests fit');
      const rows = await waitForRows<{ cost: string; n: string }>(
        'SELECT coalesce(sum(cost_micros), 0) AS cost, count(*) AS n FROM usage_logs WHERE user_id = $1 AND refusal IS NULL',
        [userId],
        (r) => Number(r[0]?.n) === served,
      );
      assert.ok(Number(rows[0]!.cost) > 0 && Number(rows[0]!.cost) <= 200, `${path}: ${rows[0]!.cost} µ$ of a 200 µ$ limit`);
    }
  });

  test("/v1/models lists exactly the catalogue's enabled models that the plan allows, in OpenAI's shape, and no mock- names", async () => {
    const everything = await admin.customer();
    const sold = (await catalogue()).filter((m) => m.enabled && !m.name.endsWith('*')).map((m) => m.name);
    const listed = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/models`, everything.key)).body);
    assert.equal(listed.object, 'list');
    assert.deepEqual(listed.data.map((m: { id: string }) => m.id).sort(), [...sold].sort());
    assert.ok(
      listed.data.every((m: { id: string }) => !m.id.startsWith('mock-')),
      'nothing the mock upstream happens to know',
    );
    for (const m of listed.data) assert.deepEqual(Object.keys(m).sort(), ['created', 'id', 'object', 'owned_by']);
    assert.equal(listed.data[0].object, 'model');

    const narrow = await admin.customer({ models: ['gpt-4o-mini', 'gpt-4.1*'] });
    const narrowList = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/models`, narrow.key)).body);
    assert.deepEqual(narrowList.data.map((m: { id: string }) => m.id).sort(), sold.filter((n) => n === 'gpt-4o-mini' || n.startsWith('gpt-4.1')).sort());
    const one = await getWithKey(`${stack.gatewayUrl}/v1/models/gpt-4.1-mini`, narrow.key);
    assert.equal(one.status, 200);
    assert.deepEqual(JSON.parse(one.body).id, 'gpt-4.1-mini');
    for (const id of ['gpt-4o', 'mock-tools', `${tag}-nowhere`, 'gpt-4.1-2*']) {
      const res = await getWithKey(`${stack.gatewayUrl}/v1/models/${encodeURIComponent(id)}`, narrow.key);
      assert.equal(res.status, 404, id);
      assert.equal(JSON.parse(res.body).error.code, 'model_not_found');
    }
  });

  test('the mock upstream answers every model the seeded catalogue sells', async () => {
    const names = seededNames();
    assert.ok(names.includes('gpt-5') && names.includes('o4-mini') && names.length > 20);
    for (const name of names) assert.equal((await fetch(`${stack.upstreamUrl}/v1/models/${name}`)).status, 200, name);
  });

  test('a channel serving a model the catalogue lacks carries a warning in the admin API and a metric, until the model is priced', async () => {
    const unpriced = `${tag}-unpriced`;
    const created = await admin.call('POST', '/channels', {
      name: `${tag}-channel`,
      base_url: `${stack.upstreamUrl}/v1`,
      priority: -1000,
      models: ['gpt-4o-mini', unpriced],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    cleanups.push(() => admin.call('DELETE', `/channels/${created.body.key}`));
    assert.deepEqual(created.body.unpriced_models, [unpriced]);
    const listed = (await admin.call('GET', '/channels')).body.find((c: { key: string }) => c.key === created.body.key);
    assert.deepEqual(listed.unpriced_models, [unpriced]);
    const others = (await admin.call('GET', '/channels')).body.filter((c: { key: string }) => c.key !== created.body.key);
    for (const c of others) assert.ok(Array.isArray(c.unpriced_models), `${c.name} has the field`);

    const gauge = () => metricSum('gateway_channel_unpriced_models', { channel: `${tag}-channel` });
    await waitFor('the metric counts the unpriced model', async () => (await gauge()) >= 1, 10_000, 200);

    assert.equal((await admin.call('POST', '/models', { name: unpriced, input_price: 1, output_price: 2 })).status, 201);
    cleanups.push(() => admin.call('DELETE', `/models/${unpriced}`));
    await waitFor(
      'the warning goes once the model is priced',
      async () => (await admin.call('GET', `/channels/${created.body.key}`)).body.unpriced_models.length === 0,
      5000,
      100,
    );
    await waitFor('the metric follows', async () => (await gauge()) === 0, 10_000, 200);
  });

  test('a seeded price an operator changed, and a seeded model an operator deleted, stay so when a backend restarts and migrates', async () => {
    const before = (await catalogue()).find((m) => m.name === 'o3-mini') as Record<string, unknown> | undefined;
    assert.ok(before, 'the seed sells o3-mini');
    const changed = await admin.call('PATCH', '/models/o3-mini', { input_price: 0.99, notes: 'our own price' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    cleanups.push(() =>
      admin.call('PATCH', '/models/o3-mini', { input_price: before.input_price, cached_input_price: before.cached_input_price, notes: before.notes }),
    );
    const gone = (await catalogue()).find((m) => m.name === 'o1-pro') as Record<string, unknown> | undefined;
    assert.ok(gone, 'the seed sells o1-pro');
    assert.equal((await admin.call('DELETE', '/models/o1-pro')).status, 204);
    cleanups.push(() =>
      admin.call('POST', '/models', {
        name: 'o1-pro',
        input_price: gone.input_price,
        cached_input_price: gone.cached_input_price,
        output_price: gone.output_price,
        max_output_tokens: gone.max_output_tokens,
        notes: gone.notes,
      }),
    );

    // Every pending migration runs again (as at an upgrade), then a backend starts and migrates as it does in service.
    await runMigrations(stack.postgres.ownerUrl, createLogger({ logLevel: 'silent', instanceId: 'catalogue-test' }));
    const backend = await startExtraBackend('catalogue-restart', { MIGRATE_ON_START: 'true' });
    await backend.service.stop();
    const db = new pg.Client({ connectionString: stack.postgres.primaryUrl });
    await db.connect();
    try {
      const rows = (
        await db.query<{ name: string; input_price_micros: string; notes: string }>(
          "SELECT name, input_price_micros, notes FROM models WHERE name IN ('o3-mini', 'o1-pro')",
        )
      ).rows;
      assert.deepEqual(rows, [{ name: 'o3-mini', input_price_micros: '990000', notes: 'our own price' }]);
    } finally {
      await db.end();
    }
  });
});
