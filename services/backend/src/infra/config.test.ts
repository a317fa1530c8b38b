import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { ConfigError, describeEnv, loadConfig, loadMigrationConfig, loadRedisConfig } from './config.js';

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

  test('the business day is UTC unless BUSINESS_TIMEZONE names an IANA zone; an offset or a typo is refused at start-up, naming the variable', () => {
    assert.equal(loadConfig(minimal).quota.timeZone, 'UTC');
    assert.equal(loadConfig({ ...minimal, BUSINESS_TIMEZONE: 'asia/shanghai' }).quota.timeZone, 'Asia/Shanghai');
    assert.equal(loadConfig({ ...minimal, QUOTA_TIME_ZONE: 'Europe/Berlin' }).quota.timeZone, 'Europe/Berlin', 'the former name still counts');
    assert.equal(loadConfig({ ...minimal, QUOTA_TIME_ZONE: 'Europe/Berlin', BUSINESS_TIMEZONE: 'Asia/Tokyo' }).quota.timeZone, 'Asia/Tokyo');
    for (const zone of ['+08:00', 'Mars/Olympus_Mons', 'UTC+8']) {
      assert.throws(() => loadConfig({ ...minimal, BUSINESS_TIMEZONE: zone }), /BUSINESS_TIMEZONE: must be an IANA time zone name/, zone);
    }
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

describe('secrets given as files (Docker secrets)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'config-secrets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const secretFile = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  test('any variable X may be read from the file X_FILE names, less the newline echo leaves', () => {
    const pepper = 'p'.repeat(40);
    const config = loadConfig({
      DATABASE_URL: 'postgres://gateway_app@db:5432/codex_gateway',
      DATABASE_PASSWORD_FILE: secretFile('db', 'app-password\n'),
      KEY_PEPPER_FILE: secretFile('pepper', `${pepper}\r\n`),
      ADMIN_TOKEN_FILE: secretFile('token', 'a-token-of-sixteen-or-more\n\n'),
    });
    assert.equal(config.auth.keyPepper, pepper);
    assert.equal(config.auth.adminToken, 'a-token-of-sixteen-or-more\n', 'only one trailing newline goes');
    assert.equal(new URL(config.db.primaryUrl).password, 'app-password');
  });

  test('a variable given twice, or a file that cannot be read, is refused, naming the variable and never the secret', () => {
    const file = secretFile('twice', 'the-secret-in-the-file');
    const problems = (() => {
      try {
        loadConfig({ ...minimal, ADMIN_TOKEN: 'a'.repeat(16), ADMIN_TOKEN_FILE: file, STRIPE_SECRET_KEY_FILE: path.join(dir, 'missing') });
        return [];
      } catch (err) {
        assert.ok(err instanceof ConfigError);
        return err.problems;
      }
    })();
    assert.ok(problems.includes('ADMIN_TOKEN: set either ADMIN_TOKEN or ADMIN_TOKEN_FILE, not both'), problems.join('; '));
    assert.ok(problems.some((p) => p.startsWith(`STRIPE_SECRET_KEY_FILE: cannot read ${path.join(dir, 'missing')} (ENOENT)`)));
    assert.doesNotMatch(problems.join('\n'), /the-secret-in-the-file|aaaaaaaaaaaaaaaa/);
    const unreadable = secretFile('unreadable', 'x');
    chmodSync(unreadable, 0o000);
    if (process.getuid?.() !== 0) assert.throws(() => loadConfig({ ...minimal, EPAY_KEY_FILE: unreadable }), /EPAY_KEY_FILE: cannot read/);
  });

  test('production refuses a placeholder that comes from a file, as from the environment', () => {
    assert.throws(
      () =>
        loadConfig({
          DATABASE_URL: minimal.DATABASE_URL,
          NODE_ENV: 'production',
          ADMIN_TOKEN: 'a'.repeat(16),
          KEY_PEPPER_FILE: secretFile('dev-pepper', 'change-me'.repeat(4)),
        }),
      /KEY_PEPPER: still holds a placeholder/,
    );
  });
});

describe('database and Redis credentials', () => {
  const awkward = `p@ss:w/rd%é #?'"\\`;

  test('a password given apart from its URL goes into it, read back exactly by the Postgres and Redis clients', async () => {
    const config = loadConfig({
      ...minimal,
      DATABASE_URL: 'postgres://gateway_app@db:5432/codex_gateway',
      DATABASE_REPLICA_URL: 'postgres://gateway_app@replica:5432/codex_gateway',
      DATABASE_PASSWORD: awkward,
      REDIS_URL: 'redis://redis:6379',
      REDIS_PASSWORD: awkward,
    });
    for (const url of [config.db.primaryUrl, config.db.replicaUrl]) {
      const client = new pg.Client({ connectionString: url });
      assert.equal(client.password, awkward);
      assert.equal(client.user, 'gateway_app');
    }
    assert.equal(decodeURIComponent(new URL(config.redis.url).password), awkward);
    assert.equal(loadRedisConfig({ REDIS_URL: 'redis://redis:6379', REDIS_PASSWORD: awkward }).url, config.redis.url);
    assert.equal(config.db.ownerUrl, undefined, 'without an owner URL, DATABASE_URL migrates');
  });

  test('a URL with a password of its own beside a separate password is refused, as is an owner URL naming the application role', () => {
    assert.throws(() => loadConfig({ ...minimal, DATABASE_PASSWORD: 'another' }), /DATABASE_PASSWORD: DATABASE_URL carries a password too/);
    assert.throws(() => loadConfig({ ...minimal, REDIS_URL: 'redis://:pw@redis:6379', REDIS_PASSWORD: 'pw2' }), /REDIS_PASSWORD: REDIS_URL carries/);
    assert.throws(
      () => loadConfig({ ...minimal, DATABASE_OWNER_URL: 'postgres://u:other@127.0.0.1:5432/db' }),
      /DATABASE_URL: must name the application role, not DATABASE_OWNER_URL's owner role/,
    );
    assert.throws(() => loadConfig({ ...minimal, REPLICATION_PASSWORD: 'r' }), /REPLICATION_PASSWORD: needs DATABASE_OWNER_URL/);
  });

  test('the migrate command reads only the database settings, secrets from files included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-config-'));
    try {
      writeFileSync(path.join(dir, 'owner'), 'owner-secret\n');
      const config = loadMigrationConfig({
        DATABASE_URL: 'postgres://gateway_app@db:5432/codex_gateway',
        DATABASE_PASSWORD: 'app-secret',
        DATABASE_OWNER_URL: 'postgres://gateway@db:5432/codex_gateway',
        DATABASE_OWNER_PASSWORD_FILE: path.join(dir, 'owner'),
        REPLICATION_PASSWORD: 'replication-secret',
      });
      assert.equal(new URL(config.db.ownerUrl!).password, 'owner-secret');
      assert.equal(new URL(config.db.primaryUrl).password, 'app-secret');
      assert.equal(config.db.replicationPassword, 'replication-secret');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Redis through Sentinel', () => {
  const sentinels = { REDIS_SENTINELS: 'sentinel-1:26379, sentinel-2:26380,[::1]:26381', REDIS_MASTER_NAME: 'gateway' };

  test('without REDIS_SENTINELS the backends use the one Redis of REDIS_URL', () => {
    assert.equal(loadConfig(minimal).redis.sentinel, undefined);
  });

  test("the sentinels and the master name make sentinel mode; REDIS_PASSWORD is the data nodes', the sentinel password their own, from files too", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-config-'));
    try {
      writeFileSync(path.join(dir, 'redis'), 'data-secret\n');
      writeFileSync(path.join(dir, 'sentinel'), 'sentinel-secret\n');
      const env = { ...sentinels, REDIS_PASSWORD_FILE: path.join(dir, 'redis'), REDIS_SENTINEL_PASSWORD_FILE: path.join(dir, 'sentinel') };
      const expected = {
        sentinels: [
          { host: 'sentinel-1', port: 26379 },
          { host: 'sentinel-2', port: 26380 },
          { host: '::1', port: 26381 },
        ],
        masterName: 'gateway',
        password: 'data-secret',
        sentinelPassword: 'sentinel-secret',
      };
      assert.deepEqual(loadConfig({ ...minimal, ...env }).redis.sentinel, expected);
      assert.deepEqual(loadRedisConfig(env).sentinel, expected, 'the commands that need only Redis read it alike');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the sentinels come with a master name, a sentinel password with sentinels, and each sentinel is host:port', () => {
    assert.throws(
      () => loadConfig({ ...minimal, REDIS_SENTINELS: 'sentinel-1:26379' }),
      /REDIS_MASTER_NAME: REDIS_SENTINELS and REDIS_MASTER_NAME are set together/,
    );
    assert.throws(() => loadConfig({ ...minimal, REDIS_MASTER_NAME: 'gateway' }), /REDIS_SENTINELS and REDIS_MASTER_NAME are set together/);
    assert.throws(() => loadConfig({ ...minimal, REDIS_SENTINEL_PASSWORD: 'secret-value' }), /REDIS_SENTINEL_PASSWORD: needs REDIS_SENTINELS/);
    for (const bad of ['sentinel-1', 'sentinel-1:0', 'sentinel-1:99999', 'a:1,,b', ' , ', 'redis://sentinel-1:26379']) {
      assert.throws(() => loadConfig({ ...minimal, ...sentinels, REDIS_SENTINELS: bad }), /REDIS_SENTINELS: a comma-separated list of host:port/, bad);
    }
  });
});
