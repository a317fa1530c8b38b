import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adminApi, freePort, postJson, startExtraBackend, startRedis, startSentinel, testDir, testStack, waitFor } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const MASTER = 'gateway-failover';
// Secrets of this test's own Redis: the data nodes' and the sentinels'.
const PASSWORD = `data-${process.pid}-${Date.now()}`;
const SENTINEL_PASSWORD = `sentinel-${process.pid}-${Date.now()}`;

const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'failover' }] };

describe('Redis through Sentinel', () => {
  // A master, its replica and three sentinels of the test's own (quorum 2), failing over
  // within a second or two; a backend instance (2 workers and its flusher) that reaches Redis
  // only through the sentinels.
  const dir = path.join(testDir(), 'redis-failover');
  const servers: Array<{ stop(signal?: NodeJS.Signals): Promise<void> }> = [];
  let master: Awaited<ReturnType<typeof startRedis>>;
  let replica: Awaited<ReturnType<typeof startRedis>>;
  let backend: Awaited<ReturnType<typeof startExtraBackend>>;
  const db = new pg.Pool({ connectionString: stack.postgres.primaryUrl, max: 2 });
  const replicationOf = async (url: string) => {
    const r = new Redis(url, { password: PASSWORD, lazyConnect: true });
    try {
      await r.connect();
      return await r.info('replication');
    } finally {
      r.disconnect();
    }
  };

  before(async () => {
    rmSync(dir, { recursive: true, force: true });
    // No pause before a replica's full sync (Redis waits 5 s for more replicas by default).
    const auth = ['--requirepass', PASSWORD, '--masterauth', PASSWORD, '--repl-diskless-sync-delay', '0'];
    const masterPort = await freePort();
    master = await startRedis({ dir: path.join(dir, 'master'), port: masterPort, logDir: testDir(), name: 'failover-master', args: auth, password: PASSWORD });
    replica = await startRedis({
      dir: path.join(dir, 'replica'),
      port: await freePort(),
      logDir: testDir(),
      name: 'failover-replica',
      args: [...auth, '--replicaof', '127.0.0.1', String(masterPort)],
      password: PASSWORD,
    });
    servers.push(master.service, replica.service);
    await waitFor('the replica to be in sync', async () => /master_link_status:up/.test(await replicationOf(replica.url)));
    const sentinels: number[] = [];
    for (let i = 1; i <= 3; i += 1) {
      const s = await startSentinel({
        dir: path.join(dir, `sentinel-${i}`),
        port: await freePort(),
        logDir: testDir(),
        name: `failover-sentinel-${i}`,
        masterName: MASTER,
        masterPort,
        quorum: 2,
        masterPassword: PASSWORD,
        password: SENTINEL_PASSWORD,
        downAfterMs: 1000,
        failoverTimeoutMs: 5000,
      });
      servers.push(s.service);
      sentinels.push(s.port);
    }
    // A sentinel elects a leader only with the others it has heard of (their hello messages, every 2 s).
    await waitFor(
      'the sentinels to know each other and the replica',
      async () => {
        for (const port of sentinels) {
          const s = new Redis(port, '127.0.0.1', { password: SENTINEL_PASSWORD });
          try {
            const others = (await s.call('SENTINEL', 'sentinels', MASTER)) as unknown[];
            const replicas = (await s.call('SENTINEL', 'replicas', MASTER)) as unknown[];
            if (others.length < 2 || replicas.length < 1) return false;
          } finally {
            s.disconnect();
          }
        }
        return true;
      },
      15_000,
      200,
    );
    backend = await startExtraBackend('failover-backend', {
      REDIS_URL: '',
      REDIS_SENTINELS: sentinels.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_MASTER_NAME: MASTER,
      REDIS_PASSWORD: PASSWORD,
      REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
      USAGE_FLUSH_INTERVAL_MS: '50',
    });
    servers.push(backend.service);
  });

  after(async () => {
    for (const s of servers.reverse()) await s.stop('SIGKILL').catch(() => undefined);
    await db.end();
  });

  test('a master switch loses no usage record and lets no customer past a daily limit the new master had not heard of', async (t) => {
    const near = await admin.customer({ daily_request_limit: 20 });
    const steady = await admin.customer();
    const statuses: Record<'near' | 'steady', number[]> = { near: [], steady: [] };
    const send = async (who: 'near' | 'steady') => {
      const res = await postJson(`${backend.url}/v1/chat/completions`, who === 'near' ? near.key : steady.key, chat);
      statuses[who].push(res.status);
      return res;
    };
    const count = async (sql: string, userId: number) => (await db.query<{ n: number }>(sql, [userId])).rows[0]?.n ?? 0;

    for (let i = 0; i < 8; i += 1) assert.equal((await send('near')).status, 200);
    // The replica falls behind (replication is asynchronous): it stops, and the master drops
    // its link, so six more requests are counted on the master alone.
    process.kill(replica.service.pid, 'SIGSTOP');
    const onMaster = new Redis(master.url, { password: PASSWORD });
    await onMaster.client('KILL', 'TYPE', 'replica');
    for (let i = 0; i < 6; i += 1) assert.equal((await send('near')).status, 200);
    await send('steady');
    assert.equal(await onMaster.hget(`cg:q:${near.userId}:${new Date().toISOString().slice(0, 10)}`, 'req'), '14', 'the master counted 14');
    onMaster.disconnect();

    // The master dies; the replica, which missed those six, is promoted.
    const killedAt = Date.now();
    process.kill(master.service.pid, 'SIGKILL');
    process.kill(replica.service.pid, 'SIGCONT');
    // Another customer's requests go on meanwhile: answered (through Postgres while no
    // master answers), never refused by the gateway's own trouble.
    let switched = false;
    const steadyLoad = (async () => {
      while (!switched) {
        await send('steady');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await waitFor('the replica to become the master', async () => /role:master/.test(await replicationOf(replica.url)), 15_000, 100);
    await waitFor('the backend to be ready on the new master', async () => (await fetch(`${backend.url}/readyz`)).status === 200, 15_000, 100);
    const recoveredInMs = Date.now() - killedAt;
    // Then the cluster's recovery window closes, and the new master's counters take over.
    const redis = new Redis(replica.url, { password: PASSWORD, retryStrategy: () => null });
    redis.on('error', () => undefined);
    t.after(() => redis.disconnect());
    await waitFor('the recovery window to close', async () => (await redis.exists('cg:quota:recovering')) === 0, 10_000, 100);
    switched = true;
    await steadyLoad;

    // The new master had counted 8 of the customer's 14 requests: 12 more would pass 20.
    for (let i = 0; i < 8; i += 1) await send('near');
    assert.deepEqual(statuses.near.slice(14), [200, 200, 200, 200, 200, 200, 429, 429], `20 a day: ${statuses.near.join(' ')}`);
    assert.ok(recoveredInMs < 15_000, `ready again ${recoveredInMs} ms after the master died`);
    assert.ok(
      statuses.steady.every((s) => s === 200),
      `the other customer was served all along: ${statuses.steady.join(' ')}`,
    );

    // Every request served is in the books once: the records the old master had in its
    // stream were handed over by the workers, the new master's are flushed from it.
    for (const [who, customer] of [
      ['near', near],
      ['steady', steady],
    ] as const) {
      const served = statuses[who].filter((s) => s === 200).length;
      await waitFor(
        `${who}'s usage records`,
        async () => (await count('SELECT count(*)::int AS n FROM usage_logs WHERE user_id = $1 AND refusal IS NULL', customer.userId)) >= served,
        15_000,
        100,
      );
      assert.equal(await count('SELECT count(*)::int AS n FROM usage_logs WHERE user_id = $1 AND refusal IS NULL', customer.userId), served, who);
      assert.equal(await count('SELECT coalesce(sum(request_count), 0)::int AS n FROM daily_usage WHERE user_id = $1', customer.userId), served, who);
    }
    await waitFor("the new master's usage stream to be flushed (its consumer group is there)", async () => (await redis.xlen('cg:usage')) === 0, 10_000, 100);
  });
});
