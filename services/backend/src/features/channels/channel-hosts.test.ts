import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import client from 'prom-client';
import request from 'supertest';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { adminApi, freePort, stackEnv, testStack } from '@codex-gateway/stack/testing';
import { type App, createApp } from '../../app.js';
import { ConfigError, loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';

const stack = testStack();
const admin = adminApi(stack);
const tag = `${process.pid}-${Date.now().toString(36)}`;
const KEY = 'sk-hosts-channel-key-0000000005678';

let home: MockUpstream;
let elsewhere: MockUpstream;
let homeUrl: string;
let elsewhereUrl: string;
const made: number[] = [];
const apps: App[] = [];

function gateway(env: Record<string, string>): App {
  const config = loadConfig({ ...stackEnv(), ADMIN_TOKEN: stack.adminToken, CHANNEL_PROBE_INTERVAL_MS: '0', DB_POOL_MAX: '3', ...env });
  const app = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: `hosts-${apps.length}` }), registry: new client.Registry() });
  apps.push(app);
  return app;
}
const adminOf = (app: App) => (method: 'get' | 'post' | 'patch', path: string, body?: object) => {
  const req = request(app.app)[method](`/api/admin${path}`).set('authorization', `Bearer ${stack.adminToken}`);
  return body === undefined ? req : req.send(body);
};

before(async () => {
  await admin.priceFree(['moving-*', 'none-*', 'allowed-*', 'stray-*']);
  home = createMockUpstream({ name: `home-${tag}`, apiKey: KEY });
  elsewhere = createMockUpstream({ name: `elsewhere-${tag}` });
  homeUrl = (await home.listen(0, '127.0.0.1')).url;
  elsewhereUrl = (await elsewhere.listen(0, '127.0.0.1')).url;
});

after(async () => {
  for (const id of made) await admin.call('DELETE', `/channels/${id}`);
  await Promise.all(apps.map((a) => a.close()));
  await Promise.all([home.close(), elsewhere.close()]);
});

describe('moving a channel needs its key again', () => {
  test('a change of base_url or kind without api_key is a 400 that changes nothing; with the key again, or cleared, it moves', async () => {
    const created = await admin.call('POST', '/channels', { name: `moving-${tag}`, base_url: `${homeUrl}/v1`, api_key: KEY, models: [`moving-${tag}`] });
    assert.equal(created.status, 201);
    const id = created.body.id as number;
    made.push(id);

    for (const change of [{ base_url: `${elsewhereUrl}/v1` }, { base_url: `${elsewhereUrl}/v1`, weight: 2 }, { kind: 'azure', api_version: '2024-10-21' }]) {
      const res = await admin.call('PATCH', `/channels/${id}`, change);
      assert.equal(res.status, 400, JSON.stringify(change));
      assert.equal(res.body.error.type, 'invalid_request_error');
      assert.equal(res.body.error.code, 'channel_key_required');
      assert.equal(res.body.error.param, 'api_key');
      assert.match(res.body.error.message, /api_key/);
    }
    const unchanged = (await admin.call('GET', `/channels/${id}`)).body;
    assert.deepEqual([unchanged.base_url, unchanged.kind, unchanged.weight, unchanged.api_key_hint], [`${homeUrl}/v1`, 'openai', 1, `…${KEY.slice(-4)}`]);
    assert.equal(elsewhere.stats().total, 0, 'nothing reached the other host');
    const actions = ((await admin.call('GET', `/audit-log?target_type=channel&target_id=${id}`)).body.data as Array<{ action: string }>).map((e) => e.action);
    assert.deepEqual(actions, ['channel.create'], 'a refused change is not audited');

    // The same URL (however its trailing slash is spelt) moves nothing.
    assert.equal((await admin.call('PATCH', `/channels/${id}`, { base_url: `${homeUrl}/v1/`, weight: 3 })).status, 200);
    const moved = await admin.call('PATCH', `/channels/${id}`, { base_url: `${elsewhereUrl}/v1`, api_key: 'sk-the-key-of-elsewhere-00009999' });
    assert.deepEqual([moved.status, moved.body.base_url, moved.body.api_key_hint], [200, `${elsewhereUrl}/v1`, '…9999']);
    const cleared = await admin.call('PATCH', `/channels/${id}`, { kind: 'azure', api_version: '2024-10-21', api_key: null });
    assert.deepEqual([cleared.status, cleared.body.kind, cleared.body.api_key_hint], [200, 'azure', null]);
  });
});

describe('probe answers name a category, never the socket’s text', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  before(async () => {
    // Accepts connections and never answers.
    silent = createServer((socket) => void sockets.add(socket));
    silentPort = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('refused, DNS, TLS, timed out, key refused and HTTP status, in the probe answer and the channel list', async () => {
    const cases = [
      ['refused', `http://127.0.0.1:${await freePort()}/v1`, null],
      ['dns', 'http://no-such-host.invalid/v1', null],
      ['tls', `https://127.0.0.1:${new URL(homeUrl).port}/v1`, null],
      ['timeout', `http://127.0.0.1:${silentPort}/v1`, null],
      ['key_refused', `${homeUrl}/v1`, 401],
      ['http_status', `${homeUrl}/nowhere`, 404],
    ] as const;
    const app = gateway({
      UPSTREAM_TIMEOUT_MS: '1000',
      UPSTREAM_CONNECT_TIMEOUT_MS: '500',
      UPSTREAM_CHANNELS: JSON.stringify(
        cases.map(([category, baseUrl]) => ({
          name: `probe-${category}-${tag}`,
          baseUrl,
          apiKey: 'sk-hosts-a-wrong-key-000000000000',
          models: [`none-${tag}`],
        })),
      ),
    });
    const call = adminOf(app);
    const list = (await call('get', '/channels')).body as Array<{ key: string; name: string }>;
    const raw = /ECONN|ENOTFOUND|EAI_|getaddrinfo|SSL|ssl|socket|127\.0\.0\.1|no-such-host|Timeout|Error/;
    for (const [category, , status] of cases) {
      const channel = list.find((c) => c.name === `probe-${category}-${tag}`)!;
      const probe = await call('post', `/channels/${channel.key}/probe`);
      assert.equal(probe.status, 200);
      assert.equal(probe.body.ok, false);
      assert.equal(probe.body.category, category, JSON.stringify(probe.body));
      assert.equal(probe.body.status, status);
      assert.equal(typeof probe.body.error, 'string');
      assert.doesNotMatch(JSON.stringify(probe.body), raw);
    }
    const after = (await call('get', '/channels')).body as Array<{ name: string; health: unknown }>;
    for (const c of after.filter((x) => x.name.startsWith('probe-') && x.name.endsWith(tag))) {
      assert.doesNotMatch(JSON.stringify(c.health), raw, c.name);
      assert.ok((c.health as { last_probe: { category: string } }).last_probe.category, c.name);
    }
  });
});

describe('CHANNEL_ALLOWED_HOSTS', () => {
  test('a channel created or moved to a host off the list is a 400; hosts on it, exactly or by *. suffix, are taken', async () => {
    const port = new URL(homeUrl).port;
    const call = adminOf(gateway({ CHANNEL_ALLOWED_HOSTS: `127.0.0.1:${port}, *.allowed.test`, UPSTREAM_BASE_URL: `${homeUrl}/v1` }));
    const create = (base_url: string) => call('post', '/channels', { name: `allowed-${tag}-${made.length}`, base_url, models: [`allowed-${tag}`] });
    for (const url of [
      `${elsewhereUrl}/v1`,
      `http://localhost:${port}/v1`,
      'https://allowed.test/v1',
      'https://evil.allowed.test.attacker.example/v1',
      'https://evilallowed.test/v1',
      'http://127.0.0.1/v1',
    ]) {
      const res = await create(url);
      assert.equal(res.status, 400, url);
      assert.equal(res.body.error.code, 'channel_host_not_allowed', url);
      assert.equal(res.body.error.param, 'base_url');
      assert.match(res.body.error.message, /CHANNEL_ALLOWED_HOSTS/);
    }
    for (const url of [`http://127.0.0.1:${port}/v1`, 'https://api.allowed.test/v1', 'https://EU.API.Allowed.Test/v1']) {
      const res = await create(url);
      assert.equal(res.status, 201, `${url}: ${JSON.stringify(res.body)}`);
      made.push(res.body.id);
    }
    const moved = await call('patch', `/channels/${made.at(-3)}`, { base_url: `${elsewhereUrl}/v1`, api_key: 'sk-hosts-moved-key-000000001111' });
    assert.equal(moved.status, 400);
    assert.equal(moved.body.error.code, 'channel_host_not_allowed');
  });

  test('a channel off the list that Postgres already holds is neither routed to nor probed', async () => {
    const model = `stray-${tag}`;
    const stray = await admin.call('POST', '/channels', { name: `stray-${tag}`, base_url: `${elsewhereUrl}/v1`, priority: 100, models: [model] });
    assert.equal(stray.status, 201);
    made.push(stray.body.id);
    const app = gateway({
      CHANNEL_ALLOWED_HOSTS: `127.0.0.1:${new URL(homeUrl).port}`,
      UPSTREAM_CHANNELS: JSON.stringify([{ name: `home-${tag}`, baseUrl: `${homeUrl}/v1`, apiKey: KEY }]),
    });
    await sleep(200);
    const { key } = await admin.customer();
    const before = elsewhere.stats().total;
    const res = await request(app.app)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key}`)
      .send({ model, messages: [{ role: 'user', content: 'where to?' }] });
    assert.equal(res.status, 200, 'served by the channel on the list');
    assert.equal(elsewhere.stats().total, before, 'the request did not go to the host off the list');
    const probe = await adminOf(app)('post', `/channels/${stray.body.id}/probe`);
    assert.equal(probe.body.category, 'host_not_allowed');
    assert.equal(elsewhere.stats().total, before, 'nor did the probe');
  });

  test('an environment channel off the list, or a list that does not parse, stops the gateway at startup', () => {
    const env = { ...stackEnv(), CHANNEL_ALLOWED_HOSTS: 'api.openai.com' };
    assert.throws(
      () => loadConfig({ ...env, UPSTREAM_CHANNELS: JSON.stringify([{ name: 'stray', baseUrl: 'https://api.example.com/v1' }]) }),
      (err: Error) => err instanceof ConfigError && /CHANNEL_ALLOWED_HOSTS/.test(err.message) && /stray/.test(err.message),
    );
    assert.throws(() => loadConfig({ ...env, UPSTREAM_BASE_URL: 'http://127.0.0.1:12399/v1' }), ConfigError);
    assert.equal(loadConfig({ ...env, UPSTREAM_BASE_URL: 'https://API.OpenAI.com/v1' }).upstream.channels.length, 1);
    for (const list of ['https://api.openai.com', '*', '*.', 'api.openai.com/v1', 'a b', 'api.openai.com:99999', '*.*.example.com']) {
      assert.throws(() => loadConfig({ ...env, CHANNEL_ALLOWED_HOSTS: list, UPSTREAM_BASE_URL: 'https://api.openai.com/v1' }), ConfigError, list);
    }
  });
});
