import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import client from 'prom-client';
import request from 'supertest';
import { adminApi, freePort, stackEnv, startRedis, testDir, testStack } from '@codex-gateway/stack/testing';
import { type App, createApp } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';

const stack = testStack();
const admin = adminApi(stack);

describe('previous_response_id when Redis does not answer', () => {
  // This test stops Redis: a Redis of its own, and a gateway in this process that uses it.
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let app: App;

  before(async () => {
    redis = await startRedis({ dir: path.join(testDir(), 'affinity-redis'), port: await freePort(), logDir: testDir(), name: 'affinity-redis' });
    const config = loadConfig({
      ...stackEnv(),
      UPSTREAM_BASE_URL: `${stack.upstreamUrl}/v1`,
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '300',
      CHANNEL_PROBE_INTERVAL_MS: '0',
      DB_POOL_MAX: '3',
    });
    app = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: 'affinity-redis' }), registry: new client.Registry() });
  });
  after(async () => {
    await app.close();
    await redis.service.stop();
  });

  const respond = (key: string, body: Record<string, unknown>) =>
    request(app.app)
      .post('/v1/responses')
      .set('authorization', `Bearer ${key}`)
      .send({ model: 'gpt-5-codex', max_output_tokens: 16, ...body });

  test("nobody continues a response whose owner cannot be checked: 503 with Retry-After in OpenAI's shape, and nothing is counted", async () => {
    const owner = await admin.customer();
    const stranger = await admin.customer({ daily_request_limit: 5 });
    const first = await respond(owner.key, { input: 'remember this' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    // With Redis up, the stranger is refused as OpenAI refuses an id it does not know.
    assert.equal((await respond(stranger.key, { input: 'let me in', previous_response_id: first.body.id })).status, 400);

    await redis.service.stop();
    for (const key of [stranger.key, owner.key]) {
      const res = await respond(key, { input: 'and then?', previous_response_id: first.body.id });
      assert.equal(res.status, 503, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'service_unavailable');
      assert.equal(res.body.error.type, 'server_error');
      assert.equal(res.body.error.param, 'previous_response_id');
      assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
    }
    // A request that continues nothing is still served (the quota counts in Postgres meanwhile).
    const fresh = await respond(stranger.key, { input: 'a new conversation' });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  });
});
