import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, describeEnv, loadConfig } from './config.js';

const minimal = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', KEY_PEPPER: 'x'.repeat(32) };

describe('configuration', () => {
  test('the pools default to the original guide: 100 open, 10 idle, 1 hour lifetime', () => {
    const config = loadConfig(minimal);
    assert.equal(config.db.poolMax, 100);
    assert.equal(config.db.poolMin, 10);
    assert.equal(config.db.maxLifetimeSeconds, 3600);
    assert.equal(config.db.replicaUrl, minimal.DATABASE_URL, 'without a replica, reads go to the primary');
  });

  test('production logs at warn unless LOG_LEVEL says otherwise', () => {
    assert.equal(loadConfig({ ...minimal, NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(16) }).logLevel, 'warn');
    assert.equal(loadConfig({ ...minimal, NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(16), LOG_LEVEL: 'error' }).logLevel, 'error');
    assert.equal(loadConfig(minimal).logLevel, 'info');
  });

  test('every problem is listed at once, without echoing secret values', () => {
    const secret = 'short-pepper-value';
    try {
      loadConfig({ KEY_PEPPER: secret, DB_POOL_MAX: 'many', NODE_ENV: 'production' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const text = err.problems.join('\n');
      for (const name of ['DATABASE_URL', 'KEY_PEPPER', 'DB_POOL_MAX']) assert.match(text, new RegExp(name));
      assert.doesNotMatch(err.message, new RegExp(secret));
    }
  });

  test('production refuses to start without an admin token', () => {
    assert.throws(() => loadConfig({ ...minimal, NODE_ENV: 'production' }), /ADMIN_TOKEN: is required in production/);
  });

  test('a pool that keeps more idle connections than it may open is refused', () => {
    assert.throws(() => loadConfig({ ...minimal, DB_POOL_MAX: '5', DB_POOL_MIN: '10' }), /DB_POOL_MIN: must not exceed DB_POOL_MAX/);
  });

  test('EPay takes one currency, CNY unless EPAY_CURRENCY names another in any case', () => {
    const epay = { ...minimal, EPAY_GATEWAY_URL: 'https://pay.example.com', EPAY_PID: '1001', EPAY_KEY: 'k'.repeat(32) };
    assert.equal(loadConfig(epay).payments.epay?.currency, 'CNY');
    assert.equal(loadConfig({ ...epay, EPAY_CURRENCY: 'usd' }).payments.epay?.currency, 'USD');
    assert.throws(() => loadConfig({ ...epay, EPAY_CURRENCY: 'yuan' }), /EPAY_CURRENCY/);
  });

  test('workers get the heap flags unless WORKER_NODE_FLAGS says otherwise, and a word that is not a flag is refused', () => {
    assert.deepEqual(loadConfig(minimal).cluster.workerNodeFlags, ['--max-semi-space-size=4', '--heap-growing-percent=50']);
    assert.deepEqual(loadConfig({ ...minimal, WORKER_NODE_FLAGS: ' --max-old-space-size=512 ' }).cluster.workerNodeFlags, ['--max-old-space-size=512']);
    assert.throws(() => loadConfig({ ...minimal, WORKER_NODE_FLAGS: 'max-old-space-size=512' }), /WORKER_NODE_FLAGS: each flag starts with --/);
  });

  test('TRUSTED_PROXIES takes addresses, ranges and proxy keywords (loopback by default); none trusts no one; anything else is refused', () => {
    assert.deepEqual(loadConfig(minimal).http.trustedProxies, ['loopback']);
    const list = ' 10.0.0.5, 172.16.0.0/12 ,fd00::/8, uniquelocal,10.0.0.0/255.0.0.0';
    assert.deepEqual(loadConfig({ ...minimal, TRUSTED_PROXIES: list }).http.trustedProxies, [
      '10.0.0.5',
      '172.16.0.0/12',
      'fd00::/8',
      'uniquelocal',
      '10.0.0.0/255.0.0.0',
    ]);
    assert.deepEqual(loadConfig({ ...minimal, TRUSTED_PROXIES: 'none' }).http.trustedProxies, []);
    for (const bad of ['nginx', '10.0.0.0/33', '300.1.1.1', 'loopback,none', '10.0.0.1/8/8', '::1/129', 'loopback,', '*']) {
      assert.throws(() => loadConfig({ ...minimal, TRUSTED_PROXIES: bad }), /TRUSTED_PROXIES/, bad);
    }
  });

  test('the console cookies are Secure exactly when PUBLIC_BASE_URL is https', () => {
    assert.equal(loadConfig(minimal).accounts.secureCookies, false);
    assert.equal(loadConfig({ ...minimal, PUBLIC_BASE_URL: 'https://gateway.example.com/' }).accounts.secureCookies, true);
  });

  test('the config is frozen', () => {
    const config = loadConfig(minimal);
    assert.throws(() => {
      (config.db as { poolMax: number }).poolMax = 1;
    }, TypeError);
  });

  test('every variable is described for the README', () => {
    const vars = describeEnv();
    assert.ok(vars.length >= 25);
    for (const v of vars) assert.notEqual(v.description, '', `${v.name} has a description`);
  });

  test('production refuses the placeholders of .env.example and the development secrets, naming each variable', () => {
    const placeholders = {
      ...minimal,
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://gateway:change-me-postgres-password@db:5432/codex_gateway',
      KEY_PEPPER: 'change-me-64-hex-characters-from-openssl-rand-hex-32-0123456789',
      ADMIN_TOKEN: 'dev-admin-token-change-me',
      UPSTREAM_API_KEY: 'change-me-upstream-api-key',
      STRIPE_SECRET_KEY: 'sk_live_change_me',
      STRIPE_WEBHOOK_SECRET: 'whsec_change_me',
    };
    try {
      loadConfig(placeholders);
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      for (const name of ['DATABASE_URL', 'KEY_PEPPER', 'ADMIN_TOKEN', 'UPSTREAM_API_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']) {
        assert.ok(
          err.problems.some((p) => p.startsWith(`${name}: still holds a placeholder`)),
          `${name} is named`,
        );
      }
      assert.doesNotMatch(err.message, /change-me-postgres-password|dev-admin-token/, 'values are not echoed');
    }
    assert.throws(
      () => loadConfig({ ...minimal, NODE_ENV: 'production', ADMIN_TOKEN: 'a'.repeat(16), KEY_PEPPER: 'dev-pepper-not-for-production-0123456789abcdef' }),
      /KEY_PEPPER: still holds/,
    );
    // Development keeps its convenient defaults.
    assert.equal(loadConfig({ ...placeholders, NODE_ENV: 'development' }).env, 'development');
  });
});
