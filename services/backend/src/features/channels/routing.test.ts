import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import client from 'prom-client';
import request from 'supertest';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { adminApi, metricSum, stackEnv, testStack, untilPast, waitFor } from '@codex-gateway/stack/testing';
import { createApp, type App } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';

const stack = testStack();
const admin = adminApi(stack);
const COOLDOWN_MS = 1500;

/** Two replicas of the gateway (same Postgres and Redis) routing over the given channels. */
function replicas(channels: object[], count = 2): App[] {
  const config = loadConfig({
    ...stackEnv(),
    ADMIN_TOKEN: stack.adminToken,
    UPSTREAM_CHANNELS: JSON.stringify(channels),
    UPSTREAM_CONNECT_TIMEOUT_MS: '500',
    CHANNEL_FAILURE_THRESHOLD: '3',
    CHANNEL_COOLDOWN_MS: String(COOLDOWN_MS),
    CHANNEL_PROBE_INTERVAL_MS: '0',
    DB_POOL_MAX: '3',
  });
  return Array.from({ length: count }, (_, i) =>
    createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: `routing-${i}` }), registry: new client.Registry() }),
  );
}

type ChannelView = { name: string; health: { state: string; open_until: string | null; recent: { requests: number; errors: number } } };
const channelView = async (app: App, name: string) =>
  ((await request(app.app).get('/api/admin/channels').set('authorization', `Bearer ${stack.adminToken}`)).body as ChannelView[]).find((c) => c.name === name)!;

/** Until the instant the channel's cool-down ends (every replica reads it from the same record): then it is half-open. */
async function untilCooledDown(app: App, name: string): Promise<void> {
  const { health } = await channelView(app, name);
  assert.equal(health.state, 'open', `${name} is cooling down`);
  await untilPast(Date.parse(health.open_until!));
  assert.equal((await channelView(app, name)).health.state, 'half_open');
}

const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'route me' }] };
const served = (m: MockUpstream) => m.stats().byEndpoint['/v1/chat/completions'] ?? 0;

type Mock = MockUpstream & { base: string };
async function mocks(first: string, second: string): Promise<[Mock, Mock]> {
  const [a, b] = await Promise.all(
    [first, second].map(async (name) => {
      const mock = createMockUpstream({ name: `${name}-${process.pid}` });
      const { url } = await mock.listen(0, '127.0.0.1');
      return Object.assign(mock, { base: `${url}/v1` });
    }),
  );
  return [a!, b!];
}

describe('routing over channels that fail', () => {
  let primary: Mock;
  let backup: Mock;
  let apps: App[];
  let key: string;

  before(async () => {
    [primary, backup] = await mocks('primary', 'backup');
    apps = replicas([
      { name: 'primary', baseUrl: primary.base, priority: 10 },
      { name: 'backup', baseUrl: backup.base, priority: 0, weight: 1000 },
    ]);
    ({ key } = await admin.customer());
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await Promise.all([primary.close(), backup.close()]);
  });

  const send = (app: App, body: object = chatBody) => request(app.app).post('/v1/chat/completions').set('authorization', `Bearer ${key}`).send(body);

  test('the highest priority tier serves while it is healthy, whatever the weights below it', async () => {
    const before = served(primary);
    for (let i = 0; i < 5; i += 1) assert.equal((await send(apps[i % 2]!)).status, 200);
    assert.equal(served(primary) - before, 5);
  });

  test('a channel failing 3 times is cooled on every replica, tried once half-open, and restored when the trial passes', async () => {
    primary.setConfig({ failStatus: 500 });
    const [p0, b0] = [served(primary), served(backup)];
    // Replica 0 meets the failures: each request still succeeds, on the backup.
    for (let i = 0; i < 3; i += 1) assert.equal((await send(apps[0]!)).status, 200);
    assert.equal(served(primary) - p0, 3);
    assert.equal(served(backup) - b0, 3);
    // Replica 1 never saw a failure, yet skips the cooling channel at once.
    await sleep(100);
    for (let i = 0; i < 5; i += 1) assert.equal((await send(apps[1]!)).status, 200);
    assert.equal(served(primary) - p0, 3, 'no request reached the cooling channel');
    primary.setConfig({ failStatus: 0 });
    await untilCooledDown(apps[0]!, 'primary');
    // Half-open: one request tries it; it passes, and the channel is back for everyone.
    const p1 = served(primary);
    for (let i = 0; i < 4; i += 1) assert.equal((await send(apps[i % 2]!)).status, 200);
    assert.equal(served(primary) - p1, 4, 'the trial passed and the channel serves again on both replicas');
  });

  test('a failed half-open trial cools the channel again at once', async () => {
    primary.setConfig({ failStatus: 503 });
    for (let i = 0; i < 3; i += 1) await send(apps[0]!);
    await untilCooledDown(apps[0]!, 'primary');
    const p0 = served(primary);
    for (let i = 0; i < 4; i += 1) assert.equal((await send(apps[i % 2]!)).status, 200);
    assert.equal(served(primary) - p0, 1, 'one trial, then cooled again');
    primary.setConfig({ failStatus: 0 });
    await untilCooledDown(apps[0]!, 'primary');
    await send(apps[0]!);
  });

  test('a 429 with Retry-After cools the channel for that long on every replica, at the first refusal', async () => {
    primary.setConfig({ failStatus: 429, retryAfterSeconds: 2 });
    const p0 = served(primary);
    assert.equal((await send(apps[0]!)).status, 200);
    for (let i = 0; i < 4; i += 1) assert.equal((await send(apps[i % 2]!)).status, 200);
    assert.equal(served(primary) - p0, 1, 'only the first request met the 429');
    primary.setConfig({ failStatus: 0, retryAfterSeconds: 0 });
    const cooling = (await channelView(apps[0]!, 'primary')).health;
    const forMs = Date.parse(cooling.open_until!) - Date.now();
    assert.ok(forMs > 1000 && forMs <= 2000, `cooling for the 2 s of Retry-After (${forMs} ms left)`);
    await untilCooledDown(apps[0]!, 'primary');
    const p1 = served(primary);
    for (let i = 0; i < 3; i += 1) assert.equal((await send(apps[1]!)).status, 200);
    assert.equal(served(primary) - p1, 3, 'back once Retry-After passed');
  });

  test('the console lists each channel with its state and its recent errors', async () => {
    const res = await request(apps[0]!.app).get('/api/admin/channels').set('authorization', `Bearer ${stack.adminToken}`);
    assert.equal(res.status, 200);
    const mine = (res.body as ChannelView[]).find((c) => c.name === 'primary');
    assert.ok(mine, 'the environment channel is listed');
    assert.equal(mine.health.state, 'closed');
    // Counts are flushed every 2 s: wait for them (10 s is only a hang guard).
    let health = mine.health;
    await waitFor(
      'the recent counts of the primary channel',
      async () => {
        health = (await channelView(apps[0]!, 'primary')).health;
        return health.recent.requests > 0 && health.recent.errors > 0;
      },
      10_000,
      100,
    ).catch(() => assert.fail(`no recent requests and errors listed: ${JSON.stringify(health)}`));
  });
});

describe('conversations stick to a channel', () => {
  let a: Mock;
  let b: Mock;
  let apps: App[];
  let key: string;

  before(async () => {
    [a, b] = await mocks('sticky-a', 'sticky-b');
    apps = replicas([
      { name: 'sticky-a', baseUrl: a.base },
      { name: 'sticky-b', baseUrl: b.base },
    ]);
    ({ key } = await admin.customer());
  });
  after(async () => {
    await Promise.all(apps.map((x) => x.close()));
    await Promise.all([a.close(), b.close()]);
  });

  const send = (app: App, path: string, body: object, headers: Record<string, string> = {}) =>
    request(app.app).post(path).set('authorization', `Bearer ${key}`).set(headers).send(body);

  test('requests with one session_id, session-id or prompt_cache_key reach one channel, on every replica', async () => {
    for (const [how, headers, extra] of [
      ['session_id', { session_id: `s-${Date.now()}` }, {}],
      ['session-id (Codex 0.169)', { 'session-id': `h-${Date.now()}` }, {}],
      ['prompt_cache_key', {}, { prompt_cache_key: `k-${Date.now()}` }],
    ] as const) {
      const [a0, b0] = [served(a), served(b)];
      for (let i = 0; i < 12; i += 1) assert.equal((await send(apps[i % 2]!, '/v1/chat/completions', { ...chatBody, ...extra }, headers)).status, 200);
      const counts = [served(a) - a0, served(b) - b0].sort((x, y) => x - y);
      assert.deepEqual(counts, [0, 12], `${how}: one channel served the whole conversation`);
    }
  });

  test('a session moves to the other channel when its channel cools, without waiting for it', async () => {
    const session = { session_id: `move-${Date.now()}` };
    await send(apps[0]!, '/v1/chat/completions', chatBody, session);
    const [home, other] = served(a) > 0 && a.requests().some((r) => r.headers.session_id === session.session_id) ? [a, b] : [b, a];
    home.setConfig({ failStatus: 502 });
    for (let i = 0; i < 3; i += 1) assert.equal((await send(apps[0]!, '/v1/chat/completions', chatBody, session)).status, 200);
    const [h0, o0] = [served(home), served(other)];
    for (let i = 0; i < 5; i += 1) assert.equal((await send(apps[1]!, '/v1/chat/completions', chatBody, session)).status, 200);
    assert.equal(served(home) - h0, 0, 'the cooling channel was not tried');
    assert.equal(served(other) - o0, 5);
    home.setConfig({ failStatus: 0 });
  });

  test('a response continued with previous_response_id goes to the channel that produced it; another customer cannot continue it', async () => {
    const first = await send(apps[0]!, '/v1/responses', { model: 'gpt-5-codex', input: 'remember this' });
    assert.equal(first.status, 200);
    for (let i = 0; i < 6; i += 1) {
      // The mock refuses (400) a previous_response_id it did not produce: every one landing right is the proof.
      const next = await send(apps[i % 2]!, '/v1/responses', { model: 'gpt-5-codex', input: 'and then?', previous_response_id: first.body.id });
      assert.equal(next.status, 200, JSON.stringify(next.body));
    }
    const stranger = await admin.customer();
    const stolen = await request(apps[0]!.app)
      .post('/v1/responses')
      .set('authorization', `Bearer ${stranger.key}`)
      .send({ model: 'gpt-5-codex', input: 'let me in', previous_response_id: first.body.id });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error.code, 'previous_response_not_found');
  });

  test("Codex's and the SDKs' headers reach the upstream; the customer's key and cookies never do", async () => {
    a.clearRequests();
    b.clearRequests();
    const headers = {
      session_id: 'hdr-session',
      'openai-beta': 'responses=experimental',
      originator: 'codex_cli_rs',
      'idempotency-key': 'idem-1',
      cookie: 'cg_session=secret-cookie',
      'x-api-key': 'sk-should-not-pass',
    };
    assert.equal((await send(apps[0]!, '/v1/chat/completions', chatBody, headers)).status, 200);
    const seen = [...a.requests(), ...b.requests()].at(-1)!.headers;
    assert.equal(seen.session_id, 'hdr-session');
    assert.equal(seen['openai-beta'], 'responses=experimental');
    assert.equal(seen.originator, 'codex_cli_rs');
    assert.equal(seen['idempotency-key'], 'idem-1');
    assert.equal(seen.cookie, undefined);
    assert.equal(seen['x-api-key'], undefined);
    assert.ok(!JSON.stringify(seen).includes(key), "the customer's key did not travel upstream");
  });
});

describe('channels that staff manage, through the cluster', () => {
  let good: Mock;
  let picky: Mock;
  const model = `managed-${process.pid}-${Date.now()}`;
  const created: number[] = [];

  before(async () => {
    [good, picky] = await mocks('managed-good', 'managed-picky');
    // The gateway serves only what the catalogue sells.
    await admin.call('POST', '/models', { name: model, input_price: 0, output_price: 0 });
  });
  after(async () => {
    await admin.call('DELETE', `/models/${model}`);
    for (const id of created) await admin.call('DELETE', `/channels/${id}`);
    await Promise.all([good.close(), picky.close()]);
  });

  async function channel(body: Record<string, unknown>) {
    const res = await admin.call('POST', '/channels', { models: [model], ...body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    created.push(res.body.id);
    return res.body as { id: number; name: string };
  }
  const ask = (key: string) =>
    fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...chatBody, model }),
    });

  test('an upstream 401 on a live request fails over, and once the channel’s probe is refused too, disables it on every replica and counts an alert', async () => {
    picky.setConfig({ apiKey: 'sk-the-right-upstream-key-1234' });
    const refused = await channel({ name: `picky-${process.pid}`, base_url: picky.base, api_key: 'sk-a-wrong-upstream-key-0000', priority: 10 });
    await channel({ name: `good-${process.pid}`, base_url: good.base, priority: 0 });
    await sleep(300); // every worker reloads its channels from the bus
    const { key } = await admin.customer();
    const disabledBefore = await metricSum('gateway_channel_events_total', { channel: refused.name, event: 'disabled' });
    const first = await ask(key);
    assert.equal(first.status, 200, 'the customer never sees the operator’s bad key');
    await waitFor('the channel is disabled', async () => !(await admin.call('GET', `/channels/${refused.id}`)).body.enabled, 5000, 50);
    const view = (await admin.call('GET', `/channels/${refused.id}`)).body;
    assert.match(view.disabled_reason, /401/);
    assert.equal((await metricSum('gateway_channel_events_total', { channel: refused.name, event: 'disabled' })) - disabledBefore, 1);
    await sleep(300);
    const seen = picky.stats().total;
    for (let i = 0; i < 6; i += 1) assert.equal((await ask(key)).status, 200);
    assert.equal(picky.stats().total, seen, 'no replica routes to the disabled channel');
  });

  test('an Azure OpenAI channel gets its deployment path, api-version and api-key header, and no bearer token', async () => {
    good.setConfig({ apiKey: 'azure-key-0123456789' });
    good.clearRequests();
    await channel({
      name: `azure-${process.pid}`,
      kind: 'azure',
      base_url: good.base.replace(/\/v1$/, ''),
      api_version: '2024-10-21',
      api_key: 'azure-key-0123456789',
      model_map: { [model]: 'my-deployment' },
      priority: 20,
    });
    await sleep(300);
    const { key } = await admin.customer();
    const res = await ask(key);
    assert.equal(res.status, 200, await res.clone().text());
    const seen = good.requests().at(-1)!;
    assert.equal(seen.path, '/openai/deployments/my-deployment/chat/completions');
    assert.equal(seen.query['api-version'], '2024-10-21');
    assert.equal(seen.headers['api-key'], 'azure-key-0123456789');
    assert.equal(seen.headers.authorization, undefined);
    good.setConfig({ apiKey: null });
  });
});
