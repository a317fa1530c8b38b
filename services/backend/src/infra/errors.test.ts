import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import client from 'prom-client';
import request from 'supertest';
import { freePort, testStack } from '@codex-gateway/stack/testing';
import { type App, createApp } from '../app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';

const stack = testStack();

describe('a database that does not answer', () => {
  let gateway: App;

  before(async () => {
    const closed = `postgres://gateway:x@127.0.0.1:${await freePort()}/codex_gateway`;
    const config = loadConfig({
      DATABASE_URL: closed,
      REDIS_URL: stack.redisUrl,
      KEY_PEPPER: 'p'.repeat(32),
      ADMIN_TOKEN: 'a'.repeat(32),
      DB_CONNECT_TIMEOUT_MS: '500',
      INSTANCE_ID: 'errors-test',
    });
    gateway = createApp(config, { logger: createLogger({ logLevel: 'silent', instanceId: 'errors-test' }), registry: new client.Registry() });
  });

  after(() => gateway.close());

  test('is a 503 worth a retry, in the API error shape, never a 500', async () => {
    const res = await request(gateway.app)
      .post('/api/admin/users')
      .set('authorization', `Bearer ${'a'.repeat(32)}`)
      .send({ email: 'x@example.test' });
    assert.equal(res.status, 503);
    assert.equal(res.body.error.code, 'service_unavailable');
    assert.equal(res.body.error.type, 'server_error');
    assert.ok(Number(res.headers['retry-after']) > 0);
    assert.doesNotMatch(JSON.stringify(res.body), /ECONNREFUSED|127\.0\.0\.1/);
  });
});
