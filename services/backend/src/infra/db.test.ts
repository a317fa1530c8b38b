import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { testStack, withScratchDatabase } from '@codex-gateway/stack/testing';
import { loadConfig } from './config.js';
import { checkConnectionBudget, ConnectionBudgetError, withTransaction } from './db.js';
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
    await withScratchDatabase(`migrate_race_${process.pid}`, async (url) => {
      const logger = createLogger({ logLevel: 'silent', instanceId: 'migrate-test' });
      const results = await Promise.all([1, 2, 3, 4].map(() => runMigrations(url, logger)));
      const applied = results.flat();
      assert.equal(applied.length, new Set(applied).size, 'no migration ran twice');
      assert.ok(applied.length >= 2);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query('SELECT name FROM pgmigrations ORDER BY id');
      assert.deepEqual(
        rows.map((r) => r.name),
        [...applied].sort(),
      );
      await check.end();
    });
  });

  test('a connection whose ROLLBACK failed is destroyed, never handed to the next caller', async () => {
    const pool = new pg.Pool({ connectionString: stack.postgres.primaryUrl, max: 1 });
    try {
      const first = await pool.connect();
      const pid = (await first.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // The ROLLBACK of this transaction is lost on the way (a network blip, a timeout):
      // the server still holds the connection inside the failed transaction.
      const query = first.query.bind(first) as (...args: unknown[]) => Promise<unknown>;
      (first as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) =>
        args[0] === 'ROLLBACK' ? Promise.reject(new Error('connection reset during ROLLBACK')) : query(...args);
      first.release();
      await assert.rejects(
        withTransaction(pool, async (tx) => {
          await tx.query('SELECT 1/0');
        }),
        /division by zero/,
      );
      // The next caller gets a fresh connection that is not stuck in that transaction.
      const next = await pool.query<{ pid: number; ok: number }>('SELECT pg_backend_pid() AS pid, 1 AS ok');
      assert.equal(next.rows[0]!.ok, 1);
      assert.notEqual(next.rows[0]!.pid, pid);
    } finally {
      await pool.end();
    }
  });
});
