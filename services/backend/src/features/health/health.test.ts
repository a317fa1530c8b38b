import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import client from 'prom-client';
import request from 'supertest';
import { freePort, startRedis, testDir, testStack, waitFor } from '@codex-gateway/stack/testing';
import { createApp, type App } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';

const stack = testStack();

describe('readiness', () => {
  // This test stops Redis, so it gets a Redis of its own rather than the cluster's.
  let redisPort: number;
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let gateway: App;
  const dir = path.join(testDir(), 'health-test-redis');
  const startOwnRedis = () => startRedis({ dir, port: redisPort, logDir: testDir(), name: 'health-test-redis' });

  before(async () => {
    redisPort = await freePort();
    redis = await startOwnRedis();
    const config = loadConfig({
      DATABASE_URL: stack.postgres.primaryUrl,
      DATABASE_REPLICA_URL: stack.postgres.replicaUrl,
      REDIS_URL: redis.url,
      KEY_PEPPER: 'p'.repeat(32),
      REDIS_COMMAND_TIMEOUT_MS: '300',
      INSTANCE_ID: 'health-test',
    });
    gateway = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: 'health-test' }), registry: new client.Registry() });
  });

  after(async () => {
    await gateway.close();
    await redis.service.stop();
  });

  test('/healthz answers while the process is up', async () => {
    const res = await request(gateway.app).get('/healthz').expect(200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.instance, 'health-test');
  });

  test('/readyz turns 503 naming Redis when Redis stops, without its error text, and 200 again when it returns', async () => {
    await waitFor('ready', async () => (await request(gateway.app).get('/readyz')).status === 200, 5000);

    await redis.service.stop();
    const down = await request(gateway.app).get('/readyz');
    assert.equal(down.status, 503);
    assert.deepEqual(down.body.failed, ['redis']);
    assert.equal(down.body.checks.redis.ok, false);
    assert.equal(down.body.checks.primary.ok, true);
    // Which dependency, not why: error texts name hosts, ports and versions.
    assert.deepEqual(Object.keys(down.body.checks.redis).sort(), ['ms', 'ok']);
    assert.doesNotMatch(JSON.stringify(down.body), /ECONN|refused|closed|timed out|no answer|127\.0\.0\.1/i);

    redis = await startOwnRedis();
    await waitFor('ready again', async () => (await request(gateway.app).get('/readyz')).status === 200, 10_000, 100);
  });
});
