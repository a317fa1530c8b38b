import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import client from 'prom-client';
import request from 'supertest';
import { stackEnv } from '@codex-gateway/stack/testing';
import { type App, createApp } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createPools, type Pools } from '../../infra/db.js';
import { createLogger } from '../../infra/logger.js';
import { businessDay } from '../../domain/business-day.js';
import { createUserPackageStore } from './user-package-store.js';

const TOKEN = 'plan-terms-test-admin-token-0123456789';
const config = loadConfig({
  ...stackEnv(),
  ADMIN_TOKEN: TOKEN,
  INSTANCE_ID: 'plan-terms-test',
  DB_POOL_MAX: '4',
  CHANNEL_PROBE_INTERVAL_MS: '0',
});
const logger = createLogger({ logLevel: 'silent', instanceId: 'plan-terms-test' });
let gateway: App;
let pools: Pools;

const call = (method: 'get' | 'post' | 'patch', path: string, body?: object) => {
  const req = request(gateway.app)[method](`/api/admin${path}`).set('authorization', `Bearer ${TOKEN}`);
  return body === undefined ? req : req.send(body);
};
let seq = 0;
const newUser = async () => (await call('post', '/users', { email: `plan-${process.pid}-${Date.now()}-${seq++}@example.test` })).body.id as number;

const PLAN = {
  daily_credit_limit: 12.345678,
  five_hour_request_limit: 50,
  five_hour_token_limit: 100_000,
  five_hour_credit_limit: 2.5,
  weekly_request_limit: 500,
  weekly_token_limit: 10_000_000,
  weekly_credit_limit: 40,
  max_concurrent_streams: 3,
  models: ['gpt-4o*', 'o3'],
};
// Not on sale (price 0): the console catalogue of other tests stays as it was.
const base = { daily_request_limit: 100, daily_token_limit: null, duration_days: 30, price_cents: 0, currency: 'USD' };

before(() => {
  gateway = createApp(config, { logger, registry: new client.Registry() });
  pools = createPools(config.db, logger);
});

after(async () => {
  await gateway.close();
  await pools.close();
});

describe('plan terms on packages', () => {
  test('credits in dollars, windows, streams and models round-trip; credits are kept in micro-dollars', async () => {
    const created = await call('post', '/packages', { name: `plan ${process.pid}`, ...base, ...PLAN });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const [field, value] of Object.entries(PLAN)) assert.deepEqual(created.body[field], value, field);
    const listed = (await call('get', '/packages')).body.find((p: { id: number }) => p.id === created.body.id);
    assert.deepEqual(listed.daily_credit_limit, 12.345678);
    assert.equal(listed.status, 'active');

    const { rows } = await pools.primary.query('SELECT daily_credit_limit, five_hour_credit_limit, weekly_credit_limit, models FROM packages WHERE id = $1', [
      created.body.id,
    ]);
    assert.deepEqual(rows[0], {
      daily_credit_limit: 12_345_678,
      five_hour_credit_limit: 2_500_000,
      weekly_credit_limit: 40_000_000,
      models: ['gpt-4o*', 'o3'],
    });

    const plain = await call('post', '/packages', { name: `plain ${process.pid}`, ...base });
    assert.deepEqual(
      [plain.body.daily_credit_limit, plain.body.weekly_request_limit, plain.body.max_concurrent_streams, plain.body.models],
      [null, null, null, []],
    );
  });

  test('a granted period keeps the terms it was sold with after the package is edited; the next grant gets the new ones', async () => {
    const pkg = (await call('post', '/packages', { name: `kept ${process.pid}`, ...base, ...PLAN })).body;
    const first = await newUser();
    assert.equal((await call('post', `/users/${first}/packages`, { package_id: pkg.id })).status, 201);
    const edited = await call('patch', `/packages/${pkg.id}`, { daily_credit_limit: 1, weekly_credit_limit: null, max_concurrent_streams: 1, models: [] });
    assert.deepEqual([edited.body.daily_credit_limit, edited.body.weekly_credit_limit, edited.body.models], [1, null, []]);

    const period = (await call('get', `/users/${first}`)).body.packages[0];
    for (const [field, value] of Object.entries(PLAN)) assert.deepEqual(period[field], value, `the period keeps ${field}`);

    const today = businessDay(config.quota.timeZone);
    const [entitlement] = await createUserPackageStore({ pools }).entitlements(first, today);
    assert.deepEqual(
      {
        daily: entitlement!.dailyCreditLimit,
        fiveHour: [entitlement!.fiveHourRequestLimit, entitlement!.fiveHourTokenLimit, entitlement!.fiveHourCreditLimit],
        weekly: [entitlement!.weeklyRequestLimit, entitlement!.weeklyTokenLimit, entitlement!.weeklyCreditLimit],
        streams: entitlement!.maxConcurrentStreams,
        models: entitlement!.models,
      },
      { daily: 12_345_678, fiveHour: [50, 100_000, 2_500_000], weekly: [500, 10_000_000, 40_000_000], streams: 3, models: ['gpt-4o*', 'o3'] },
    );

    const second = await newUser();
    await call('post', `/users/${second}/packages`, { package_id: pkg.id });
    const [later] = await createUserPackageStore({ pools }).entitlements(second, today);
    assert.deepEqual([later!.dailyCreditLimit, later!.weeklyCreditLimit, later!.maxConcurrentStreams, later!.models], [1_000_000, null, 1, []]);
  });

  test('bad plan terms are 400s', async () => {
    const pkg = (await call('post', '/packages', { name: `bad ${process.pid}`, ...base })).body;
    for (const body of [
      { daily_credit_limit: 1.0000001 },
      { daily_credit_limit: -1 },
      { weekly_credit_limit: '5' },
      { five_hour_request_limit: 1.5 },
      { weekly_token_limit: -1 },
      { max_concurrent_streams: 0 },
      { models: ['no spaces'] },
      { models: 'gpt-4o' },
    ]) {
      const res = await call('patch', `/packages/${pkg.id}`, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status}`);
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
  });
});
