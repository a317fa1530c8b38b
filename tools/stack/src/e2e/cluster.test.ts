import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { maintainUsagePartitions } from '@codex-gateway/backend';
import { REPO_ROOT } from '../paths.js';
import { testStack, waitFor } from '../testing.js';

const stack = testStack();

async function withDb<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe('the local cluster', () => {
  test('a row written on the primary is read on the replica', async () => {
    const email = `replication-${Date.now()}@example.test`;
    await withDb(stack.postgres.primaryUrl, (c) => c.query('INSERT INTO users (email) VALUES ($1)', [email]));
    await withDb(stack.postgres.replicaUrl, async (c) => {
      const { rows } = await c.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
      assert.equal(rows[0]?.recovering, true, 'the replica URL must point at a standby');
      await waitFor('the row on the replica', async () => (await c.query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount === 1, 5000, 20);
    });
  });

  test('the replica refuses writes', async () => {
    await withDb(stack.postgres.replicaUrl, async (c) => {
      await assert.rejects(c.query("INSERT INTO users (email) VALUES ('nope@example.test')"), /read-only transaction/);
    });
  });

  test('the five indexes of the original guide exist, and their SQL file re-applies cleanly with psql -f', async () => {
    const expected = [
      'idx_api_keys_key_hash_status',
      'idx_daily_usage_user_date',
      'idx_payment_orders_order_no',
      'idx_usage_logs_user_created',
      'idx_user_packages_user_status_dates',
    ];
    const names = async (url: string) =>
      withDb(url, async (c) =>
        (await c.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE 'idx_%' ORDER BY 1")).rows.map(
          (r) => r.indexname,
        ),
      );
    // Migrations ran on the primary only; the replica has them by replication.
    assert.deepEqual(await names(stack.postgres.primaryUrl), expected);
    assert.deepEqual(await names(stack.postgres.replicaUrl), expected);

    const file = path.join(REPO_ROOT, 'services/backend/migrations/add_performance_indexes.sql');
    // Notices ("already exists, skipping") are expected; warnings and errors are not.
    // Indexes are the owner's to make.
    const { stderr } = await promisify(execFile)('psql', [stack.postgres.ownerUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-f', file], {
      env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
    });
    assert.equal(stderr, '');
    assert.deepEqual(await names(stack.postgres.primaryUrl), expected);
  });

  test('usage_logs is partitioned by month, with this month ready', async () => {
    await withDb(stack.postgres.primaryUrl, async (c) => {
      const { rows } = await c.query<{ name: string }>(
        "SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'usage_logs'::regclass ORDER BY 1",
      );
      const now = new Date();
      const thisMonth = `usage_logs_y${now.getUTCFullYear()}m${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      assert.ok(
        rows.some((r) => r.name === thisMonth),
        `partitions: ${rows.map((r) => r.name).join(', ')}`,
      );
      assert.ok(rows.some((r) => r.name === 'usage_logs_default'));
      await c.query(
        `INSERT INTO usage_logs (request_id, user_id, model, status_code, latency_ms, created_at) VALUES ('req-partition-test', 1, 'm', 200, 5, now())`,
      );
      const placed = await c.query<{ part: string }>("SELECT tableoid::regclass::text AS part FROM usage_logs WHERE request_id = 'req-partition-test'");
      assert.equal(placed.rows[0]?.part, thisMonth);
    });
  });

  test('usage_logs months past the retention are dropped, this month and the ones ahead kept, by the application role', async () => {
    await withDb(stack.postgres.ownerUrl, (c) =>
      c.query(`CREATE TABLE IF NOT EXISTS usage_logs_y2020m01 PARTITION OF usage_logs FOR VALUES FROM ('2020-01-01 00:00Z') TO ('2020-02-01 00:00Z')`),
    );
    // The backends keep partitions as the application role, through the owner's two functions.
    await withDb(stack.postgres.primaryUrl, async (c) => {
      await c.query(
        `INSERT INTO usage_logs (request_id, user_id, model, status_code, latency_ms, created_at) VALUES ('req-2020', 1, 'm', 200, 5, '2020-01-15Z')`,
      );
      await maintainUsagePartitions((sql, params) => c.query(sql, params), 365);
      const { rows } = await c.query<{ name: string }>("SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'usage_logs'::regclass");
      const names = rows.map((r) => r.name);
      assert.ok(!names.includes('usage_logs_y2020m01'), 'the 2020 month is gone');
      const now = new Date();
      assert.ok(names.includes(`usage_logs_y${now.getUTCFullYear()}m${String(now.getUTCMonth() + 1).padStart(2, '0')}`), 'this month is kept');
      assert.ok(names.includes('usage_logs_default'));
    });
  });

  test('nginx spreads requests over every backend replica', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 60; i += 1) {
      const { status, body } = await getJson(`${stack.gatewayUrl}/healthz`);
      assert.equal(status, 200);
      seen.set(body.instance, (seen.get(body.instance) ?? 0) + 1);
    }
    assert.deepEqual(
      [...seen.keys()].sort(),
      stack.backends.map((_, i) => `backend-${i + 1}`),
    );
  });

  test('every backend is ready: primary, replica and Redis reachable', async () => {
    for (const backend of stack.backends) {
      const { status, body } = await getJson(`${backend.url}/readyz`);
      assert.equal(status, 200);
      assert.deepEqual(body.failed, []);
      assert.deepEqual(Object.keys(body.checks).sort(), ['primary', 'redis', 'replica']);
    }
  });
});
