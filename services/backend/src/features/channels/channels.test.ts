import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { staffWithTotp } from '@codex-gateway/stack/console-client';
import { testSecrets, testStack, waitFor } from '@codex-gateway/stack/testing';
import type { App } from '../../app.js';
import { inProcessApp } from '../../test-support.js';
import { loadConfig } from '../../infra/config.js';
import { createChannelSealer } from './channel-crypto.js';

const stack = testStack();
const TOKEN = 'channels-test-admin-token-0123456789';
const tag = `${process.pid}-${Date.now().toString(36)}`;
/** Only this file's channels serve it: the test stack's relay routes other tests' requests elsewhere. */
const MODEL = `chan-test-${tag}`;
const UPSTREAM_KEY = 'sk-upstream-channel-secret-7f3a9c1b';
const ENV_NAME = `env-${tag}`;
const logs: string[] = [];

let upstream: MockUpstream;
let upstreamBase: string;
let a: App;
let b: App;
const made: number[] = [];

function makeApp(instance: string): App {
  const logger = pino({ level: 'debug', base: { instance } }, { write: (line: string) => void logs.push(line) });
  return inProcessApp(
    instance,
    {
      ADMIN_TOKEN: TOKEN,
      INSTANCE_ID: instance,
      DB_POOL_MAX: '4',
      UPSTREAM_CHANNELS: JSON.stringify([{ name: ENV_NAME, baseUrl: `${upstreamBase}/v1`, apiKey: UPSTREAM_KEY, models: [MODEL], priority: 5 }]),
    },
    logger,
  );
}

const admin = (app: App) => ({
  call: (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: unknown) => {
    const req = request(app.app)[method](`/api/admin${path}`).set('authorization', `Bearer ${TOKEN}`);
    return body === undefined ? req : req.send(body as object);
  },
});

async function primary<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: stack.postgres.primaryUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function createChannel(body: Record<string, unknown> = {}) {
  const res = await admin(a).call('post', '/channels', {
    name: `chan-${tag}-${made.length}`,
    base_url: `${upstreamBase}/v1/`,
    api_key: UPSTREAM_KEY,
    models: [MODEL],
    ...body,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  made.push(res.body.id);
  return res.body;
}

const trail = async (id: number) => (await admin(a).call('get', `/audit-log?target_type=channel&target_id=${id}`)).body.data as any[];
const seenBy = async (app: App, name: string) => (await app.channelDirectory.current()).find((c) => c.name === name);

before(async () => {
  upstream = createMockUpstream({ apiKey: UPSTREAM_KEY, name: 'channels-test' });
  upstreamBase = (await upstream.listen(0, '127.0.0.1')).url;
  a = makeApp('channels-test-a');
  b = makeApp('channels-test-b');
  await b.channelDirectory.current();
});

after(async () => {
  // Shared database: leave no channel behind for the relay of the other test files.
  for (const id of made) await admin(a).call('delete', `/channels/${id}`);
  await a.close();
  await b.close();
  await upstream.close();
});

describe('channels for staff', () => {
  test('a new channel’s key is sealed at rest and in no answer, audit entry or log line; staff see its last four characters', async () => {
    const view = await createChannel({ priority: 3, weight: 7, model_map: { [MODEL]: 'gpt-4o-mini' }, notes: 'primary' });
    assert.equal(view.api_key_hint, `…${UPSTREAM_KEY.slice(-4)}`);
    assert.equal(view.key, `db:${view.id}`);
    assert.equal(view.base_url, `${upstreamBase}/v1`, 'trailing slash dropped');
    assert.deepEqual([view.priority, view.weight, view.managed_by_env, view.enabled], [3, 7, false, true]);
    assert.ok(view.health.state, 'with its health');

    const row = await primary(async (c) => (await c.query('SELECT api_key_sealed FROM channels WHERE id = $1', [view.id])).rows[0]);
    assert.match(row.api_key_sealed, /^v1:[^:]+:[^:]+:[^:]+$/);
    assert.ok(!row.api_key_sealed.includes(UPSTREAM_KEY));
    const config = loadConfig({ DATABASE_URL: stack.postgres.primaryUrl, KEY_PEPPER: testSecrets().keyPepper });
    assert.equal(createChannelSealer(config.channels.encryptionKey).open(row.api_key_sealed), UPSTREAM_KEY);

    const list = await admin(a).call('get', '/channels');
    assert.equal(list.status, 200);
    assert.equal(list.body.find((c: { id: number }) => c.id === view.id).api_key_hint, view.api_key_hint);
    const entries = await trail(view.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['channel.create'],
    );
    assert.equal(entries[0].after.api_key_hint, view.api_key_hint);
    assert.equal('api_key_sealed' in entries[0].after, false);
    for (const text of [JSON.stringify(view), JSON.stringify(list.body), JSON.stringify(entries), logs.join('')]) assert.ok(!text.includes(UPSTREAM_KEY));
  });

  test('a change made through one instance reaches another instance’s directory within a second, audited each time', async () => {
    const view = await createChannel();
    await waitFor('instance b sees the new channel', async () => (await seenBy(b, view.name))?.apiKey === UPSTREAM_KEY, 1000, 20);

    assert.equal((await admin(a).call('patch', `/channels/${view.id}`, { weight: 9, priority: -5 })).body.weight, 9);
    await waitFor('instance b sees the new weight', async () => (await seenBy(b, view.name))?.weight === 9, 1000, 20);
    assert.equal((await seenBy(b, view.name))!.priority, -5);

    const rekeyed = await admin(a).call('patch', `/channels/db:${view.id}`, { api_key: 'sk-another-key-00004321' });
    assert.equal(rekeyed.body.api_key_hint, '…4321');
    await waitFor('instance b uses the new key', async () => (await seenBy(b, view.name))?.apiKey === 'sk-another-key-00004321', 1000, 20);

    assert.equal((await admin(a).call('patch', `/channels/${view.id}`, { enabled: false })).body.enabled, false);
    await waitFor('instance b stops routing to it', async () => (await seenBy(b, view.name)) === undefined, 1000, 20);

    assert.equal((await admin(a).call('delete', `/channels/${view.id}`)).status, 204);
    assert.equal((await admin(a).call('get', `/channels/${view.id}`)).status, 404);
    const entries = (await trail(view.id)).reverse();
    assert.deepEqual(
      entries.map((e) => e.action),
      ['channel.create', 'channel.update', 'channel.update', 'channel.update', 'channel.delete'],
    );
    assert.deepEqual([entries[1].before.weight, entries[1].after.weight], [1, 9]);
    assert.equal(entries[2].after.api_key_changed, true);
    assert.ok(!JSON.stringify(entries).includes('sk-another-key-00004321'));
    assert.equal(entries[4].before.name, view.name);
  });

  test('a channel whose key the upstream refuses is disabled by the gateway, audited; enabling it clears the reason', async () => {
    const view = await createChannel({ api_key: 'sk-wrong-key-for-this-upstream-0000' });
    const probe = await admin(a).call('post', `/channels/${view.id}/probe`);
    assert.equal(probe.status, 200);
    assert.equal(probe.body.status, 401);
    const disabled = (await admin(a).call('get', `/channels/${view.id}`)).body;
    assert.equal(disabled.enabled, false);
    assert.match(disabled.disabled_reason, /401/);
    const disabling = (await trail(view.id)).filter((e) => e.action === 'channel.disable');
    assert.equal(disabling.length, 1);
    assert.equal(disabling[0].actor, 'gateway');
    await waitFor('instance b stops routing to it', async () => (await seenBy(b, view.name)) === undefined, 1000, 20);

    const enabled = await admin(a).call('patch', `/channels/${view.id}`, { enabled: true, api_key: UPSTREAM_KEY });
    assert.deepEqual([enabled.body.enabled, enabled.body.disabled_reason, enabled.body.health.state], [true, null, 'closed']);
    assert.equal((await admin(a).call('post', `/channels/${view.id}/probe`)).body.ok, true);
  });

  test('channels from the environment are listed read-only: no id, a key, and 409 on any change', async () => {
    const list = (await admin(a).call('get', '/channels')).body;
    const env = list.find((c: { name: string }) => c.name === ENV_NAME);
    assert.deepEqual([env.id, env.managed_by_env, env.priority, env.created_at], [null, true, 5, null]);
    assert.match(env.key, /^env:[0-9a-f]{16}$/);
    assert.equal(env.api_key_hint, `…${UPSTREAM_KEY.slice(-4)}`);
    assert.ok(!JSON.stringify(list).includes(UPSTREAM_KEY));
    for (const [method, body] of [
      ['patch', { weight: 3 }],
      ['delete', undefined],
    ] as const) {
      const res = await admin(a).call(method, `/channels/${env.key}`, body);
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'channel_managed_by_env');
      assert.match(res.body.error.message, /UPSTREAM_CHANNELS/);
    }
    assert.equal((await admin(a).call('post', `/channels/${env.key}/probe`)).body.ok, true);
    assert.equal((await admin(a).call('get', '/channels/env:0000000000000000')).status, 404);
    const taken = await admin(a).call('post', '/channels', { name: ENV_NAME, base_url: 'https://example.test/v1', models: [MODEL] });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error.code, 'channel_name_taken');
  });

  test('support reads channels and models but cannot change or probe them', async () => {
    const view = await createChannel();
    const person = await staffWithTotp(stack, 'support');
    const cookie = [...person.client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const asSupport = (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const req = request(a.app)[method](`/api/admin${path}`).set('cookie', cookie).set('x-csrf-token', person.client.csrf);
      return body === undefined ? req : req.send(body);
    };
    assert.equal((await asSupport('get', '/channels')).status, 200);
    assert.equal((await asSupport('get', '/models')).status, 200);
    for (const [method, path, body] of [
      ['post', '/channels', { name: `support-${tag}`, base_url: 'https://example.test', models: [MODEL] }],
      ['patch', `/channels/${view.id}`, { weight: 2 }],
      ['delete', `/channels/${view.id}`, undefined],
      ['post', `/channels/${view.id}/probe`, undefined],
      ['post', '/models', { name: `support-${tag}`, input_price: 1, output_price: 1 }],
    ] as const) {
      const res = await asSupport(method, path, body);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.body.error.code, 'insufficient_role');
    }
  });

  test('bad input is a 400 in the API’s error shape, never a 500', async () => {
    // Each with this file's model: a body wrongly accepted must not become a channel serving every model.
    const base = { name: `bad-${tag}`, base_url: 'https://example.test/v1', models: [MODEL] };
    const bodies: object[] = [
      {},
      { ...base, name: 'has space' },
      { ...base, name: 'x'.repeat(65) },
      { ...base, name: 'nul\u0000' },
      { ...base, base_url: 'ftp://example.test' },
      { ...base, base_url: 'not a url' },
      { ...base, base_url: 'https://user:secret@example.test/v1' },
      { ...base, base_url: 'https://example.test/v1?key=1' },
      { ...base, weight: 0 },
      { ...base, weight: 1001 },
      { ...base, weight: 1.5 },
      { ...base, priority: 1001 },
      { ...base, priority: -1001 },
      { ...base, kind: 'azure' },
      { ...base, kind: 'other' },
      { ...base, api_version: '2024-10-21' },
      { ...base, api_key: 'has a space' },
      { ...base, api_key: '' },
      { ...base, models: ['no spaces allowed'] },
      { ...base, models: 'gpt-4o' },
      { ...base, model_map: { 'gpt-4o': 5 } },
      { ...base, model_map: ['gpt-4o'] },
      { ...base, notes: 'x'.repeat(2001) },
    ];
    for (const body of bodies) {
      const res = await admin(a).call('post', '/channels', body);
      assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(typeof res.body.error.message, 'string');
    }
    const proto = await request(a.app)
      .post('/api/admin/channels')
      .set('authorization', `Bearer ${TOKEN}`)
      .set('content-type', 'application/json')
      .send(`{"name":"proto-${tag}","base_url":"${upstreamBase}","models":["${MODEL}"],"model_map":{"__proto__":"x"}}`);
    made.push(proto.body.id);
    assert.deepEqual([proto.status, proto.body.model_map, Object.getPrototypeOf(proto.body.model_map)], [201, {}, Object.prototype], '__proto__ is dropped');

    const view = await createChannel();
    for (const [path, body, status] of [
      [`/channels/${view.id}`, {}, 400],
      [`/channels/${view.id}`, { kind: 'azure' }, 400],
      ['/channels/abc', { weight: 2 }, 400],
      ['/channels/99999999999', { weight: 2 }, 400],
      ['/channels/2147483000', { weight: 2 }, 404],
      [`/channels/${view.id}`, { name: view.name.replace(/-\d+$/, '-0') }, 409],
    ] as const) {
      assert.equal((await admin(a).call('patch', path, body)).status, status, `${path} ${JSON.stringify(body)}`);
    }
    const azure = await admin(a).call('patch', `/channels/${view.id}`, { kind: 'azure', api_version: '2024-10-21', api_key: UPSTREAM_KEY });
    assert.deepEqual([azure.status, azure.body.kind, azure.body.api_version], [200, 'azure', '2024-10-21']);
    const back = await admin(a).call('patch', `/channels/${view.id}`, { kind: 'openai', api_key: UPSTREAM_KEY });
    assert.deepEqual([back.body.kind, back.body.api_version], ['openai', null], 'back to OpenAI-compatible drops the api-version');
  });
});
