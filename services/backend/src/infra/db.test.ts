import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { testStack } from '@codex-gateway/stack/testing';
import { loadConfig } from './config.js';
import { checkConnectionBudget, ConnectionBudgetError } from './db.js';
import { createLogger } from './logger.js';
import { runMigrations } from './migrate.js';

const stack = testStack();
const base = { DATABASE_URL: stack.postgres.primaryUrl, DATABASE_REPLICA_URL: stack.postgres.replicaUrl, KEY_PEPPER: 'x'.repeat(32) };

describe('database startup checks', () => {
  test('a cluster that fits max_connections starts', async () => {
    await checkConnectionBudget(loadConfig({ ...base, BACKEND_REPLICAS: '2', WORKERS: '2', DB_POOL_MAX: '50' }));
  });

  test('a cluster that could exceed max_connections is refused, naming what to change', async () => {
    const config = loadConfig({ ...base, BACKEND_REPLICAS: '4', WORKERS: '4', DB_POOL_MAX: '100' });
    await assert.rejects(checkConnectionBudget(config), (err: unknown) => {
      assert.ok(err instanceof ConnectionBudgetError);
      assert.match(err.message, /the primary accepts 300 connections/);
      assert.match(err.message, /BACKEND_REPLICAS=4 × WORKERS=4 × DB_POOL_MAX could open 1600/);
      assert.match(err.message, /lower DB_POOL_MAX to at most 18/);
      assert.match(err.message, /the replica accepts 300/);
      return true;
    });
  });

  test('several replicas migrating one database at once apply each migration exactly once', async () => {
    const dbName = `migrate_race_${process.pid}`;
    const admin = new pg.Client({ connectionString: stack.postgres.primaryUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.query(`CREATE DATABASE ${dbName}`);
      const url = stack.postgres.primaryUrl.replace(/\/[^/]+$/, `/${dbName}`);
      const logger = createLogger({ logLevel: 'silent', instanceId: 'migrate-test' });
      const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(url, logger)));
      const applied = results.flat();
      assert.equal(applied.length, new Set(applied).size, 'no migration ran twice');
      assert.ok(applied.length >= 2);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query('SELECT name FROM pgmigrations ORDER BY id');
      assert.deepEqual(rows.map((r) => r.name), [...applied].sort());
      await check.end();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });
});
