import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signEpay } from '@codex-gateway/fake-payments';
import { adminApi, postJson, waitFor } from '@codex-gateway/stack/testing';
import { fetchWithin, PRODUCTION_FILE, REPO_ROOT, retag, step } from '../compose-project.js';
import { phaseReport, type SteadyLoad, startSteadyLoad } from './steady-load.js';
import { type SwarmCluster, type SwarmNode, stackFiles, startSwarm, SWARM_FILE } from './swarm-cluster.js';

/**
 * The Swarm stack (the production file + compose/docker-compose.swarm.yml) on three Docker
 * engines, under steady load from the official openai SDK, through: the Postgres leader
 * killed, the Redis master killed, a whole engine stopped, a rolling upgrade of the
 * backends; then the books. Each phase prints its recovery time and error count.
 * Runs in order; each step leaves the stack as the next one expects.
 */
const STACK = 'gw';
const secret = () => randomBytes(24).toString('hex');
const EPAY_KEY = secret();
const TEST_OVERLAY = path.join(REPO_ROOT, 'compose/test/ha/docker-compose.ha-test.yml');
const IMAGES = [
  'codex-gateway/backend:latest',
  'codex-gateway/backend:next',
  'codex-gateway/nginx:latest',
  'codex-gateway/mock-upstream:latest',
  'codex-gateway/patroni:latest',
  'redis:7.2.5-bookworm',
  'quay.io/coreos/etcd:v3.5.17',
  'haproxy:2.6.12',
];
/** What the phases printed, for docs/capacity.md. */
const figures: string[] = [];

function gatewayEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    BACKEND_REPLICAS: '6', // the connection budget: 3 tasks, doubled in the worst rolling upgrade
    BACKEND_TASKS: '3',
    WORKERS: '1',
    DB_POOL_MAX: '8',
    DB_REPLICA_POOL_MAX: '8',
    PG_MAX_CONNECTIONS: '400',
    UPSTREAM_BASE_URL: 'http://mock-upstream:12399/v1',
    PUBLIC_BASE_URL: 'https://gateway.example.test',
    EPAY_GATEWAY_URL: 'https://pay.example.test',
    EPAY_PID: '1001',
    EPAY_CURRENCY: 'CNY',
    NODE_OPTIONS: '--max-old-space-size=256',
    // The production file's backup bucket: its services are not part of the Swarm stack.
    BACKUP_S3_BUCKET: 'not-used',
    BACKUP_S3_ENDPOINT: 'not-used.example.test',
  };
}

function gatewaySecrets(): Record<string, string> {
  return {
    postgres_password: secret(),
    database_password: secret(),
    replication_password: secret(),
    redis_password: secret(),
    key_pepper: secret(),
    admin_token: secret(),
    channel_encryption_key: '',
    upstream_api_key: `sk-upstream-${secret()}`,
    stripe_secret_key: '',
    stripe_webhook_secret: '',
    epay_key: EPAY_KEY,
    smtp_url: '',
    backup_s3_key: '',
    backup_s3_key_secret: '',
    backup_cipher_pass: secret(),
    alert_webhook_url: '',
    alert_smtp_password: '',
  };
}

describe('the Swarm stack on three engines', { timeout: 40 * 60_000 }, () => {
  // The load and the writer run between tests: this keeps the loop alive while they do.
  const hold = setInterval(() => undefined, 60_000);
  const secrets = gatewaySecrets();
  let swarm: SwarmCluster;
  let admin: ReturnType<typeof adminApi>;
  let customer: { userId: number; keyId: number; key: string };
  let load: SteadyLoad;
  /** Nodes whose nginx the load goes to (a stopped node is left out). */
  let entryNodes: SwarmNode[] = [];
  /** Acknowledged writes the books must hold after every failover. */
  const acknowledged = { users: [] as number[], orders: [] as string[], tried: 0, refused: {} as Record<string, number> };
  let writer: { stop: () => Promise<void> } | undefined;
  let limitedCustomer: { userId: number; limit: number } | undefined;

  /** psql on the Patroni leader, as the owner; rows as arrays of fields. */
  async function sql(query: string): Promise<string[][]> {
    const leader = await patroniLeader();
    const text = await swarm.on(
      swarm.nodes.find((n) => n.name === leader.node)!,
      'exec',
      '-e',
      `PGPASSWORD=${secrets.postgres_password}`,
      leader.container,
      'psql',
      '-h',
      '127.0.0.1',
      '-U',
      'gateway',
      '-d',
      'codex_gateway',
      '-v',
      'ON_ERROR_STOP=1',
      '-tA',
      '-F',
      '\t',
      '-c',
      query,
    );
    return text ? text.split('\n').map((line) => line.split('\t')) : [];
  }

  /** The Patroni member that holds the leader lock: its node, container and timeline. */
  async function patroniLeader(): Promise<{ node: string; container: string; name: string; timeline: number }> {
    const cluster = JSON.parse(await swarm.exec(`${STACK}_patroni`, ['curl', '-fsS', 'http://127.0.0.1:8008/cluster'])) as {
      members: Array<{ name: string; role: string; state: string; timeline?: number }>;
    };
    const leader = cluster.members.find((m) => m.role === 'leader' && m.state === 'running');
    if (!leader) throw new Error(`no running leader: ${JSON.stringify(cluster.members)}`);
    const node = leader.name.replace(/^pg-/, '');
    const task = (await swarm.tasks(`${STACK}_patroni`)).find((t) => t.node === node && t.state === 'Running');
    if (!task) throw new Error(`the leader ${leader.name} has no running task`);
    return { node, container: task.container, name: leader.name, timeline: leader.timeline ?? 0 };
  }

  let sentinel: { node: SwarmNode; container: string } | undefined;
  /** The address of the master the Sentinels name (one docker exec: quick enough to time a failover). */
  async function sentinelMaster(): Promise<string> {
    if (!sentinel) {
      const task = (await swarm.tasks(`${STACK}_sentinel`)).find((t) => t.state === 'Running' && t.node === swarm.manager.name)!;
      sentinel = { node: swarm.manager, container: task.container };
    }
    const answer = await swarm.on(
      sentinel.node,
      'exec',
      sentinel.container,
      'sh',
      '-c',
      'REDISCLI_AUTH="$(cat /run/secrets/redis_password)" redis-cli --no-auth-warning -p 26379 SENTINEL get-master-addr-by-name gateway',
    );
    return answer.split('\n')[0]!.trim();
  }

  /** The Redis master the Sentinels name: its address, service and container. */
  async function redisMaster(): Promise<{ ip: string; service: string; node: string; container: string }> {
    const ip = await sentinelMaster();
    for (const service of ['redis1', 'redis2', 'redis3']) {
      for (const task of await swarm.tasks(`${STACK}_${service}`)) {
        if (task.state !== 'Running') continue;
        const node = swarm.nodes.find((n) => n.name === task.node)!;
        const addresses = await swarm.on(node, 'exec', task.container, 'hostname', '-i').catch(() => '');
        if (addresses.split(/\s+/).includes(ip)) return { ip, service, node: task.node, container: task.container };
      }
    }
    throw new Error(`no running Redis member has the master's address ${ip}`);
  }

  const nodeOf = (name: string) => swarm.nodes.find((n) => n.name === name)!;

  /** Admin writes (each one audited) and paid orders, acknowledged ones kept, until stopped. */
  function startWriter(buyer: { key: string; packageId: number }) {
    let stopping = false;
    const refusedWith = (what: string) => {
      const key = what.slice(0, 120);
      acknowledged.refused[key] = (acknowledged.refused[key] ?? 0) + 1;
    };
    const loop = async () => {
      while (!stopping) {
        const url = swarm.gatewayUrl(entryNodes[0]);
        acknowledged.tried += 2;
        try {
          const res = await fetchWithin(`${url}/api/admin/users`, 10_000, {
            method: 'POST',
            headers: { authorization: `Bearer ${secrets.admin_token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ email: `ha-${Date.now()}-${randomBytes(3).toString('hex')}@example.test` }),
          });
          if (res.status === 201) acknowledged.users.push((JSON.parse(res.body) as { id: number }).id);
          else refusedWith(`user ${res.status} ${res.body}`);
          const order = await postJson(`${url}/v1/orders`, buyer.key, { package_id: buyer.packageId, provider: 'epay' });
          if (order.status === 201) {
            const { order_no: orderNo, amount_cents: cents } = order.body as { order_no: string; amount_cents: number };
            const params: Record<string, string> = {
              pid: '1001',
              trade_no: `T${orderNo}`,
              out_trade_no: orderNo,
              type: 'alipay',
              name: 'HA',
              money: (cents / 100).toFixed(2),
              trade_status: 'TRADE_SUCCESS',
            };
            const query = new URLSearchParams({ ...params, sign: signEpay(params, EPAY_KEY), sign_type: 'MD5' });
            const paid = await fetchWithin(`${url}/api/payments/notify/epay?${query}`, 10_000);
            if (paid.body === 'success') acknowledged.orders.push(orderNo);
            else refusedWith(`payment ${paid.status} ${paid.body}`);
          } else refusedWith(`order ${order.status} ${JSON.stringify(order.body)}`);
        } catch (err) {
          // A write that failed was not acknowledged: nothing to find later.
          refusedWith(`network ${(err as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    };
    const running = loop();
    return {
      async stop() {
        stopping = true;
        await running;
      },
    };
  }

  before(async () => {
    await step('images built', 20 * 60_000, async () => {
      // Building reads neither the secrets nor the settings: an empty env file stands for them.
      const empty = path.join(mkdtempSync(path.join(os.tmpdir(), 'cgha-build-')), 'empty.env');
      writeFileSync(empty, '');
      const env = {
        ...process.env,
        ...gatewayEnv(),
        DOCKER_BUILDKIT: '0',
        COMPOSE_DOCKER_CLI_BUILD: '0',
        GATEWAY_SECRETS_DIR: '/nonexistent',
        GATEWAY_ENV_FILE: empty,
      };
      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const compose = promisify(execFile);
      const files = [PRODUCTION_FILE, SWARM_FILE, TEST_OVERLAY].flatMap((f) => ['-f', f]);
      await compose('docker-compose', ['-p', `cgha${process.pid}`, ...files, 'build', 'backend', 'nginx', 'mock-upstream', 'patroni'], {
        env,
        cwd: REPO_ROOT,
        maxBuffer: 64 << 20,
      });
      await retag('codex-gateway/backend:latest', 'codex-gateway/backend:next');
    });
    swarm = await step('three engines in a swarm, images loaded', 10 * 60_000, () =>
      startSwarm({ name: `cgha${process.pid}`, subnet: '172.31.80.0/24', images: IMAGES }),
    );
    entryNodes = [...swarm.nodes];
    const env = stackFiles(swarm.dir, secrets, gatewayEnv());
    await step('stack deployed and serving', 10 * 60_000, async () => {
      await swarm.deploy(STACK, [TEST_OVERLAY], { ...gatewayEnv(), ...env });
      await waitFor(
        'every node serves through nginx',
        async () => {
          for (const node of swarm.nodes) {
            const res = await fetchWithin(`${swarm.gatewayUrl(node)}/healthz`, 3000);
            assert.equal(res.status, 200, `${node.name}'s nginx`);
          }
        },
        8 * 60_000,
        2000,
      );
    });
    admin = adminApi({ gatewayUrl: swarm.gatewayUrl(), adminToken: secrets.admin_token } as never);
    await waitFor('the admin API writes', async () => void (await admin.createUser()), 120_000, 1000);
    customer = await admin.customer();
  });

  after(async () => {
    clearInterval(hold);
    await writer?.stop().catch(() => undefined);
    await load?.stop().catch(() => undefined);
    if (figures.length) console.log(`# figures\n${figures.map((f) => `#   ${f}`).join('\n')}`);
    if (!swarm) return;
    if (process.env.KEEP_COMPOSE) return console.log(`# left running: ${swarm.nodes.map((n) => `${n.container} (${n.ip})`).join(', ')}`);
    await swarm.down();
  });

  test('the members are one per node: a Patroni leader and two synchronous or streaming replicas, three etcd, a Redis master with two replicas, three Sentinels', async () => {
    const cluster = JSON.parse(await swarm.exec(`${STACK}_patroni`, ['curl', '-fsS', 'http://127.0.0.1:8008/cluster'])) as {
      members: Array<{ name: string; role: string; state: string }>;
    };
    console.log(`# patroni: ${cluster.members.map((m) => `${m.name} ${m.role} ${m.state}`).join(', ')}`);
    assert.equal(cluster.members.length, 3);
    assert.equal(cluster.members.filter((m) => m.role === 'leader').length, 1);
    assert.ok(
      cluster.members.some((m) => m.role === 'sync_standby'),
      'one member replicates synchronously',
    );
    for (const service of ['patroni', 'sentinel', 'haproxy', 'nginx']) {
      const nodes = (await swarm.tasks(`${STACK}_${service}`)).filter((t) => t.state === 'Running').map((t) => t.node);
      assert.deepEqual(nodes.sort(), ['node1', 'node2', 'node3'], `${service} on every node`);
    }
    for (const [i, service] of ['etcd1', 'etcd2', 'etcd3', 'redis1', 'redis2', 'redis3'].entries()) {
      const [task] = await swarm.tasks(`${STACK}_${service}`);
      assert.equal(task?.node, `node${(i % 3) + 1}`, `${service} pinned to its node`);
    }
    const master = await redisMaster();
    const replication = await swarm.on(
      nodeOf(master.node),
      'exec',
      master.container,
      'sh',
      '-c',
      'REDISCLI_AUTH="$(cat /run/secrets/redis_password)" redis-cli --no-auth-warning INFO replication',
    );
    assert.match(replication, /role:master/);
    assert.match(replication, /connected_slaves:2/);
  });

  test('a customer chats through every node with the official openai SDK, streaming too', async () => {
    load = startSteadyLoad({
      gatewayUrls: () => entryNodes.map((n) => swarm.gatewayUrl(n)),
      apiKey: customer.key,
      tag: 'steady',
      clients: 4,
      pauseMs: 150,
      maxMs: 30 * 60_000,
    });
    const buyer = await admin.buyer({ price_cents: 100, currency: 'CNY' });
    writer = startWriter(buyer);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const report = phaseReport(load.outcomes, 0, Date.now());
    console.log(`# warm-up: ${JSON.stringify(report)}`);
    assert.ok(report.requests > 10);
    assert.equal(report.failures, 0);
  });

  test('the Postgres leader is killed: a new leader within 30 s, requests answered again within 45 s', async () => {
    const old = await patroniLeader();
    const at = Date.now();
    await swarm.on(nodeOf(old.node), 'kill', old.container);
    // A new leader: the synchronous standby (the killed member restarts only after 25 s),
    // on a new timeline.
    await waitFor(
      'a new leader',
      async () => {
        const now = await patroniLeader();
        assert.ok(now.timeline > old.timeline, `timeline ${now.timeline} after ${old.timeline}`);
      },
      90_000,
      500,
    );
    // When it was promoted, by Patroni's own record of the timeline switch (the probe above
    // goes through several docker calls and sees it late).
    const history = JSON.parse(await swarm.exec(`${STACK}_patroni`, ['curl', '-fsS', 'http://127.0.0.1:8008/history'])) as Array<
      [number, number, string, string]
    >;
    const elected = (Date.parse(history.at(-1)![3]) - at) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 45_000 - (Date.now() - at)));
    const report = phaseReport(load.outcomes, at, Date.now());
    figures.push(
      `postgres leader killed (${old.name}): a leader on a new timeline in ${elected.toFixed(1)} s; answered again after ${report.answeredAgainS.toFixed(1)} s; ${report.failures} of ${report.requests} requests failed ${JSON.stringify(report.byKind)}`,
    );
    console.log(`# ${figures.at(-1)}`);
    assert.ok(elected <= 30, `new leader in ${elected} s`);
    assert.ok(report.answeredAgainS <= 45, `answered again after ${report.answeredAgainS} s`);
    const tail = phaseReport(load.outcomes, Date.now() - 10_000, Date.now());
    assert.equal(tail.failures, 0, 'the last 10 s all answered');
  });

  test('every acknowledged payment and audit entry is on the new leader', async () => {
    // Taken now: what was acknowledged before and during the failover.
    const users = [...acknowledged.users];
    const orders = [...acknowledged.orders];
    assert.ok(users.length > 0 && orders.length > 0, `writes were acknowledged (${users.length} users, ${orders.length} orders)`);
    const [[audited]] = (await sql(
      `SELECT count(DISTINCT target_id) FROM audit_log WHERE action = 'user.create' AND target_id IN (${users.map((id) => `'${id}'`).join(',')})`,
    )) as [[string]];
    const [[fulfilled]] = (await sql(
      `SELECT count(*) FROM payment_orders WHERE status = 'fulfilled' AND order_no IN (${orders.map((o) => `'${o}'`).join(',')})`,
    )) as [[string]];
    console.log(`# acknowledged: ${users.length} audited user creations (${audited} found), ${orders.length} paid orders (${fulfilled} fulfilled)`);
    assert.equal(Number(audited), users.length);
    assert.equal(Number(fulfilled), orders.length);
  });

  test('the Redis master is killed: Sentinel promotes within 15 s, requests answered again within 20 s, no customer past a limit', async () => {
    const limit = 60;
    const limited = await admin.customer({ daily_request_limit: limit });
    limitedCustomer = { userId: limited.userId, limit };
    const limitedLoad = startSteadyLoad({
      gatewayUrls: () => entryNodes.map((n) => swarm.gatewayUrl(n)),
      apiKey: limited.key,
      tag: 'limited',
      clients: 3,
      pauseMs: 100,
      maxMs: 60_000,
    });
    await waitFor('the limited customer near its limit', async () => assert.ok(limitedLoad.outcomes.filter((o) => o.ok).length >= limit - 25), 60_000, 100);
    const old = await redisMaster();
    const at = Date.now();
    await swarm.on(nodeOf(old.node), 'kill', old.container);
    let promoted = 0;
    await waitFor(
      'a new master',
      async () => {
        assert.notEqual(await sentinelMaster(), old.ip);
        promoted = (Date.now() - at) / 1000;
      },
      60_000,
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 25_000 - (Date.now() - at))));
    await limitedLoad.stop();
    const report = phaseReport(load.outcomes, at, Date.now());
    const served = limitedLoad.outcomes.filter((o) => o.ok).length;
    figures.push(
      `redis master killed: promoted in ${promoted.toFixed(1)} s; answered again after ${report.answeredAgainS.toFixed(1)} s; ${report.failures} of ${report.requests} requests failed ${JSON.stringify(report.byKind)}; limited customer served ${served} of limit ${limit}`,
    );
    console.log(`# ${figures.at(-1)}`);
    assert.ok(promoted <= 15, `promoted in ${promoted} s`);
    assert.ok(report.answeredAgainS <= 20, `answered again after ${report.answeredAgainS} s`);
    assert.ok(served <= limit, `the limited customer got ${served} answers for a limit of ${limit}`);
    assert.ok(
      limitedLoad.outcomes.some((o) => o.what.startsWith('429')),
      'the limited customer was refused at its limit',
    );
  });

  test('a whole engine is stopped: its backends are rescheduled, its members’ roles move, the stack serves on', async () => {
    // A worker (the manager holds the swarm's state): the one with the Patroni leader if it is a worker.
    const leader = await patroniLeader();
    const victim = swarm.nodes.find((n) => n.name === leader.node && n !== swarm.manager) ?? swarm.nodes[2]!;
    const backendsBefore = (await swarm.tasks(`${STACK}_backend`)).filter((t) => t.state === 'Running').length;
    entryNodes = swarm.nodes.filter((n) => n !== victim);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // requests in flight to its nginx finish or fail now
    const at = Date.now();
    await swarm.stopNode(victim);
    await waitFor(
      `${victim.name} down in the swarm, its backends running elsewhere`,
      async () => {
        const nodes = await swarm.on(swarm.manager, 'node', 'ls', '--format', '{{.Hostname}} {{.Status}}');
        assert.match(nodes, new RegExp(`${victim.name} Down`));
        const running = (await swarm.tasks(`${STACK}_backend`)).filter((t) => t.state === 'Running' && t.node !== victim.name);
        assert.equal(running.length, backendsBefore);
      },
      120_000,
      1000,
    );
    const rescheduled = (Date.now() - at) / 1000;
    await waitFor('a Patroni leader off the stopped node', async () => assert.notEqual((await patroniLeader()).node, victim.name), 60_000, 1000);
    await waitFor('a Redis master off the stopped node', async () => assert.notEqual((await redisMaster()).node, victim.name), 60_000, 1000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 60_000 - (Date.now() - at))));
    const report = phaseReport(load.outcomes, at, Date.now());
    figures.push(
      `engine ${victim.name} stopped: backends rescheduled in ${rescheduled.toFixed(1)} s; answered again after ${report.answeredAgainS.toFixed(1)} s; ${report.failures} of ${report.requests} requests failed ${JSON.stringify(report.byKind)}`,
    );
    console.log(`# ${figures.at(-1)}`);
    const tail = phaseReport(load.outcomes, Date.now() - 10_000, Date.now());
    assert.equal(tail.failures, 0, 'the last 10 s all answered');
  });

  test('a rolling upgrade of the backends fails no request', async () => {
    const at = Date.now();
    await swarm.on(swarm.manager, 'service', 'update', '--detach', '--image', 'codex-gateway/backend:next', `${STACK}_backend`);
    await waitFor(
      'the update completed',
      async () => {
        const state = await swarm.on(swarm.manager, 'service', 'inspect', '-f', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}', `${STACK}_backend`);
        assert.equal(state, 'completed');
      },
      10 * 60_000,
      2000,
    );
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const report = phaseReport(load.outcomes, at, Date.now());
    const resent = load.resent.filter((t) => t >= at).length;
    figures.push(
      `rolling upgrade: ${((Date.now() - at) / 1000).toFixed(1)} s; ${report.failures} of ${report.requests} requests failed ${JSON.stringify(report.byKind)}; ${resent} sent again after nginx closed an idle connection`,
    );
    console.log(`# ${figures.at(-1)}`);
    const images = (await swarm.on(swarm.manager, 'service', 'ps', `${STACK}_backend`, '--filter', 'desired-state=running', '--format', '{{.Image}}')).split(
      '\n',
    );
    assert.ok(
      images.every((i) => i.startsWith('codex-gateway/backend:next')),
      images.join(' '),
    );
    assert.equal(report.failures, 0);
    // Each client holds one connection per node: a reload may close one under it now and then, not more.
    assert.ok(resent <= 4 * 3, `${resent} requests sent again`);
  });

  test('the books: every answered request has its usage row, daily_usage equals usage_logs, no overdraft, no duplicate fulfilment', async () => {
    await writer?.stop();
    writer = undefined;
    await load.stop();
    const ok = load.outcomes.filter((o) => o.ok).length;
    await waitFor(
      'every answered request in usage_logs',
      async () => {
        const [[logged]] = (await sql(`SELECT count(*) FROM usage_logs WHERE api_key_id = ${customer.keyId} AND status_code = 200`)) as [[string]];
        assert.ok(Number(logged) >= ok, `${logged} usage rows for ${ok} answered requests`);
      },
      60_000,
      1000,
    );
    const [[logged]] = (await sql(`SELECT count(*) FROM usage_logs WHERE api_key_id = ${customer.keyId} AND status_code = 200`)) as [[string]];
    // A request answered while its client gave up (a node stopped under it) is billed and was delivered upstream.
    assert.ok(Number(logged) <= load.outcomes.length, `${logged} rows, at most one per request sent (${load.outcomes.length})`);
    const drift = await sql(`
      SELECT d.user_id, d.request_count, (SELECT count(*) FROM usage_logs l WHERE l.user_id = d.user_id AND l.status_code < 300)
        FROM daily_usage d
       WHERE d.request_count <> (SELECT count(*) FROM usage_logs l WHERE l.user_id = d.user_id AND l.status_code < 300)
          OR d.prompt_tokens + d.completion_tokens <> (SELECT coalesce(sum(total_tokens), 0) FROM usage_logs l WHERE l.user_id = d.user_id)`);
    assert.deepEqual(drift, [], 'daily_usage equals usage_logs for every customer');
    if (limitedCustomer) {
      const [[requests]] = (await sql(`SELECT coalesce(sum(request_count), 0) FROM daily_usage WHERE user_id = ${limitedCustomer.userId}`)) as [[string]];
      assert.ok(Number(requests) <= limitedCustomer.limit, `the limited customer's books: ${requests} requests for a limit of ${limitedCustomer.limit}`);
    }
    const twice = await sql('SELECT order_id, count(*) FROM user_packages WHERE order_id IS NOT NULL GROUP BY order_id HAVING count(*) > 1');
    assert.deepEqual(twice, [], 'no order fulfilled twice');
    const all = load.outcomes.length;
    console.log(`# writes not acknowledged: ${JSON.stringify(acknowledged.refused)}`);
    figures.push(
      `books: ${all} requests, ${ok} answered, ${logged} usage rows; of ${acknowledged.tried} writes tried, ${acknowledged.users.length} audited user creations and ${acknowledged.orders.length} payments acknowledged, all present`,
    );
    console.log(`# ${figures.at(-1)}`);
  });
});
