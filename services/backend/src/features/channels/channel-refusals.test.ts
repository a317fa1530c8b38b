import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import client from 'prom-client';
import request from 'supertest';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { adminApi, postJson, stackEnv, testStack, waitFor } from '@codex-gateway/stack/testing';
import { type App, createApp } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';

const stack = testStack();
const admin = adminApi(stack);
const tag = `${process.pid}-${Date.now().toString(36)}`;
const KEY = 'sk-refusals-right-key-000000001234';
const WRONG_KEY = 'sk-refusals-wrong-key-00000000abcd';
/** Answered with OpenAI's 403 by every mock upstream, the stack's own included. */
const DENIED = 'mock-no-model-access';
const OK_MODEL = `refusals-ok-${tag}`;
const FAILOVER_MODEL = `refusals-failover-${tag}`;
const UNAUTHORISED_MODEL = `refusals-401-${tag}`;
const WRONG_KEY_MODEL = `refusals-wrong-key-${tag}`;

type ChannelView = {
  id: number | null;
  name: string;
  enabled: boolean;
  disabled_reason: string | null;
  health: {
    state: string;
    reason: string | null;
    recent: { errors: number };
    last_probe: { at: string; ok: boolean; status: number | null; category?: string } | null;
  };
};

let picky: MockUpstream;
let backup: MockUpstream;
let pickyBase: string;
let backupBase: string;
const made: number[] = [];

async function channel(body: Record<string, unknown>): Promise<ChannelView> {
  const res = await admin.call('POST', '/channels', body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  made.push(res.body.id);
  return res.body;
}
const view = async (id: number | null): Promise<ChannelView> => (await admin.call('GET', `/channels/${id}`)).body;
const served = (m: MockUpstream, endpoint = '/v1/chat/completions') => m.stats().byEndpoint[endpoint] ?? 0;
const chat = (key: string, model: string) =>
  postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { model, messages: [{ role: 'user', content: 'may I?' }] });

before(async () => {
  await admin.priceFree(['refusals-*']);
  picky = createMockUpstream({ name: `picky-${tag}`, apiKey: KEY });
  backup = createMockUpstream({ name: `backup-${tag}` });
  pickyBase = `${(await picky.listen(0, '127.0.0.1')).url}/v1`;
  backupBase = `${(await backup.listen(0, '127.0.0.1')).url}/v1`;
});

after(async () => {
  // Shared database: leave no channel behind for the relay of the other test files.
  for (const id of made) await admin.call('DELETE', `/channels/${id}`);
  await Promise.all([picky.close(), backup.close()]);
});

describe('a channel is disabled only when its own key is refused', () => {
  let shared: ChannelView;

  before(async () => {
    // Ahead of the stack's own channel, which serves every model (and so answers after it).
    shared = await channel({
      name: `shared-${tag}`,
      base_url: pickyBase,
      api_key: KEY,
      priority: 50,
      models: [DENIED, OK_MODEL, FAILOVER_MODEL, UNAUTHORISED_MODEL],
      model_map: { [OK_MODEL]: 'gpt-4o-mini', [FAILOVER_MODEL]: DENIED, [UNAUTHORISED_MODEL]: 'mock-error-401' },
    });
    await channel({ name: `backup-${tag}`, base_url: backupBase, priority: 40, models: [FAILOVER_MODEL], model_map: { [FAILOVER_MODEL]: 'gpt-4o-mini' } });
    await sleep(300); // every worker reloads its channels from the bus
  });

  test('many customers whose requests each get a per-request 403 see that 403 in OpenAI’s shape; the channel stays enabled and closed and serves the others', async () => {
    const customers = await Promise.all([admin.customer(), admin.customer(), admin.customer()]);
    const before = served(picky);
    for (let i = 0; i < 12; i += 1) {
      const res = await chat(customers[i % 3]!.key, DENIED);
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(res.body.error.code, 'model_not_found');
      assert.match(res.body.error.message, /does not have access to model/);
      assert.doesNotMatch(JSON.stringify(res.body), /proj_mock|org-mock/, "the operator's project is blanked");
    }
    assert.equal(served(picky) - before, 12, 'every request was tried on the channel');

    const after = await view(shared.id);
    assert.deepEqual([after.enabled, after.disabled_reason, after.health.state], [true, null, 'closed']);
    const stackChannels = (await admin.call('GET', '/channels')).body as ChannelView[];
    for (const c of stackChannels.filter((x) => x.id === null)) assert.equal(c.health.state, 'closed', `${c.name} was not cooled`);
    const disabling = ((await admin.call('GET', `/audit-log?target_type=channel&target_id=${shared.id}`)).body.data as Array<{ action: string }>).filter(
      (e) => e.action === 'channel.disable',
    );
    assert.equal(disabling.length, 0);

    const other = await admin.customer();
    const beforeOk = served(picky);
    for (let i = 0; i < 3; i += 1) assert.equal((await chat(other.key, OK_MODEL)).status, 200);
    assert.equal(served(picky) - beforeOk, 3, 'another customer is still served through the channel');
  });

  test('a per-request 403 fails over to another channel before the first byte, and the refusing channel stays in use', async () => {
    const { key } = await admin.customer();
    const [p0, b0] = [served(picky), served(backup)];
    for (let i = 0; i < 8; i += 1) assert.equal((await chat(key, FAILOVER_MODEL)).status, 200);
    assert.equal(served(picky) - p0, 8, 'each request tried the refusing channel first');
    assert.equal(served(backup) - b0, 8, 'and was served by the next');
    const after = await view(shared.id);
    assert.deepEqual([after.enabled, after.health.state], [true, 'closed']);
  });

  test('a 401 to one request disables nothing when the channel’s own probe accepts its key', async () => {
    const { key } = await admin.customer();
    const since = new Date().toISOString();
    const res = await chat(key, UNAUTHORISED_MODEL);
    assert.equal(res.status, 200, 'served by the next channel');
    await waitFor('the channel’s key is probed', async () => ((await view(shared.id)).health.last_probe?.at ?? '') >= since, 5000, 50);
    const after = await view(shared.id);
    assert.equal(after.health.last_probe!.ok, true);
    assert.deepEqual([after.enabled, after.disabled_reason], [true, null]);
    await sleep(300);
    assert.equal((await view(shared.id)).enabled, true);
  });

  test('a channel whose key the upstream refuses is disabled once its own probe is refused too, audited, with the category in its last probe', async () => {
    const wrong = await channel({ name: `wrong-key-${tag}`, base_url: pickyBase, api_key: WRONG_KEY, priority: 50, models: [WRONG_KEY_MODEL] });
    await sleep(300);
    const { key } = await admin.customer();
    const probes = served(picky, '/v1/models');
    assert.equal((await chat(key, WRONG_KEY_MODEL)).status, 200, 'the customer never sees the operator’s bad key');
    await waitFor('the channel is disabled', async () => !(await view(wrong.id)).enabled, 5000, 50);
    assert.ok(served(picky, '/v1/models') > probes, 'its probe confirmed the refusal');
    const after = await view(wrong.id);
    assert.match(after.disabled_reason ?? '', /401/);
    assert.equal(after.health.last_probe?.category, 'key_refused');
    const disabling = (
      (await admin.call('GET', `/audit-log?target_type=channel&target_id=${wrong.id}`)).body.data as Array<{ action: string; actor: string }>
    ).filter((e) => e.action === 'channel.disable');
    assert.deepEqual(
      disabling.map((e) => e.actor),
      ['gateway'],
    );
  });
});

describe('channels from the environment', () => {
  let app: App;
  const wrongName = `env-wrong-${tag}`;
  const rightName = `env-right-${tag}`;
  const envModel = `refusals-env-${tag}`;

  before(async () => {
    const config = loadConfig({
      ...stackEnv(),
      ADMIN_TOKEN: stack.adminToken,
      UPSTREAM_CHANNELS: JSON.stringify([
        { name: wrongName, baseUrl: pickyBase, apiKey: WRONG_KEY, models: [envModel], priority: 10 },
        { name: rightName, baseUrl: pickyBase, apiKey: KEY, models: [envModel, 'mock-region-blocked'], priority: 0 },
      ]),
      CHANNEL_PROBE_INTERVAL_MS: '0',
      DB_POOL_MAX: '3',
    });
    app = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: 'refusals-env' }), registry: new client.Registry() });
  });
  after(() => app.close());

  const health = async (name: string) =>
    ((await request(app.app).get('/api/admin/channels').set('authorization', `Bearer ${stack.adminToken}`)).body as ChannelView[]).find((c) => c.name === name)!
      .health;

  test('one whose key is confirmed refused cools down; one that answers per-request 403s to every customer never does', async () => {
    const { key } = await admin.customer();
    const send = (model: string) =>
      request(app.app)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .send({ model, messages: [{ role: 'user', content: 'hi' }] });

    assert.equal((await send(envModel)).status, 200, 'served by the channel with the right key');
    await waitFor('the refused channel cools down', async () => (await health(wrongName)).state === 'open', 5000, 50);
    assert.match((await health(wrongName)).reason ?? '', /key/);

    for (let i = 0; i < 10; i += 1) {
      const res = await send('mock-region-blocked');
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'unsupported_country_region_territory');
    }
    await sleep(2200); // counts are flushed every 2 s
    const right = await health(rightName);
    assert.equal(right.state, 'closed');
    assert.equal(right.recent.errors, 0, 'a per-request 403 counts nothing against the channel');
  });
});
