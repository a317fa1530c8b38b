import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import client from 'prom-client';
import request from 'supertest';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { freePort, stackEnv, testSecrets, testStack } from '@codex-gateway/stack/testing';
import { createApp, type App } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { channelOrder } from '../channels/channel-router.js';
import type { RuntimeChannel } from '../channels/channel-types.js';

const stack = testStack();
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fail over' }] };

describe('upstream channels', () => {
  let flaky: MockUpstream;
  // Its own, not the stack's mock: the stack's also answers other test files and health probes.
  let healthy: MockUpstream;
  let gateway: App;
  const healthyCount = () => healthy.stats().byEndpoint['/v1/chat/completions'] ?? 0;
  const flakyCount = () => flaky.stats().byEndpoint['/v1/chat/completions'] ?? 0;

  before(async () => {
    flaky = createMockUpstream();
    healthy = createMockUpstream();
    const { url: flakyUrl } = await flaky.listen(0, '127.0.0.1');
    const { url: healthyUrl } = await healthy.listen(0, '127.0.0.1');
    const refusing = `http://127.0.0.1:${await freePort()}/v1`;
    // Weights make the order all but certain: refusing, then flaky, then healthy.
    const channels = [
      { name: 'refusing', baseUrl: refusing, weight: 1e12 },
      { name: 'flaky', baseUrl: `${flakyUrl}/v1`, weight: 1e6 },
      { name: 'healthy', baseUrl: `${healthyUrl}/v1`, weight: 1 },
    ];
    const config = loadConfig({
      ...stackEnv(),
      UPSTREAM_CHANNELS: JSON.stringify(channels),
      UPSTREAM_CONNECT_TIMEOUT_MS: '500',
      DB_POOL_MAX: '4',
    });
    gateway = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: 'failover-test' }), registry: new client.Registry() });
  });

  after(async () => {
    await gateway.close();
    await flaky.close();
    await healthy.close();
  });

  test('a channel that refuses connections or answers 5xx is skipped before any byte reaches the client', async () => {
    flaky.setConfig({ failNext: 1 });
    const before = healthyCount();
    const res = await request(gateway.app).post('/v1/chat/completions').set('authorization', `Bearer ${stack.demoApiKey}`).send(chat);
    assert.equal(res.status, 200);
    assert.equal(res.body.object, 'chat.completion');
    assert.equal(flaky.stats().byEndpoint['/v1/chat/completions'], 1, 'the flaky channel was tried and failed');
    assert.equal(healthyCount() - before, 1, 'the healthy channel answered');
  });

  test('a stream that breaks after bytes were sent is not retried elsewhere', async () => {
    const before = { flaky: flakyCount(), healthy: healthyCount() };
    const res = await request(gateway.app)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${stack.demoApiKey}`)
      .send({ ...chat, model: 'mock-drop-mid-stream', stream: true });
    // The flaky channel began the answer; the client sees it cut off with an error event, never a second answer.
    assert.equal(flakyCount() - before.flaky, 1, 'the flaky channel served the stream');
    assert.equal(res.status, 200);
    assert.match(res.text, /"delta":\{"content":"[^"]/, 'the first tokens reached the client');
    assert.doesNotMatch(res.text, /\[DONE\]/);
    assert.match(res.text, /"error"/, 'the stream ends with an error event');
    assert.equal(healthyCount(), before.healthy);
  });

  test('a model no channel serves is a 404 in OpenAI error shape', async () => {
    const restricted = loadConfig({
      DATABASE_URL: stack.postgres.primaryUrl,
      REDIS_URL: stack.redisUrl,
      KEY_PEPPER: testSecrets().keyPepper,
      UPSTREAM_CHANNELS: JSON.stringify([{ name: 'only', baseUrl: `${stack.upstreamUrl}/v1`, models: ['gpt-4o'] }]),
      DB_POOL_MAX: '2',
    });
    const app = createApp(restricted, { logger: createLogger({ logLevel: 'silent', instanceId: 'restricted' }), registry: new client.Registry() });
    try {
      const res = await request(app.app).post('/v1/chat/completions').set('authorization', `Bearer ${stack.demoApiKey}`).send(chat);
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'model_not_found');
    } finally {
      await app.close();
    }
  });
});

describe('channel order', () => {
  const channel = (name: string, weight: number, models: string[] = [], priority = 0): RuntimeChannel => ({
    key: `test:${name}`,
    id: null,
    name,
    kind: 'openai',
    baseUrl: `http://${name}`,
    apiKey: undefined,
    apiVersion: undefined,
    priority,
    weight,
    models,
    modelMap: {},
  });
  const channels = [channel('a', 3), channel('b', 1, ['special']), channel('c', 1)];

  test('only channels that serve the model are candidates', () => {
    assert.deepEqual(
      channelOrder(channels, 'gpt-4o')
        .map((c) => c.name)
        .sort(),
      ['a', 'c'],
    );
    assert.deepEqual(
      channelOrder(channels, 'special')
        .map((c) => c.name)
        .sort(),
      ['a', 'b', 'c'],
    );
  });

  test('channels are tried in proportion to their weight', () => {
    let aFirst = 0;
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 4000; i += 1) if (channelOrder(channels, 'gpt-4o', undefined, random)[0]!.name === 'a') aFirst += 1;
    assert.ok(Math.abs(aFirst / 4000 - 0.75) < 0.03, `a first ${aFirst} of 4000`);
  });

  test('a higher priority tier is tried before a lower one whatever the weights, and a preferred channel goes first', () => {
    const tiers = [channel('low-heavy', 1000, [], 0), channel('high-1', 1, [], 10), channel('high-2', 1, [], 10), channel('backup', 1, [], -5)];
    for (let i = 0; i < 200; i += 1) {
      const order = channelOrder(tiers, 'gpt-4o').map((c) => c.name);
      assert.deepEqual(order.slice(0, 2).sort(), ['high-1', 'high-2']);
      assert.deepEqual(order.slice(2), ['low-heavy', 'backup']);
    }
    assert.deepEqual(channelOrder(tiers, 'gpt-4o', 'test:backup')[0]!.name, 'backup');
  });
});
