import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import https from 'node:https';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { signEpay } from '@codex-gateway/fake-payments';
import { adminApi, parsePrometheusText, postJson, waitFor } from '@codex-gateway/stack/testing';
import {
  addresses,
  type ComposeProject,
  composeProject,
  containerHealth,
  docker,
  fetchWithin,
  nginxFollows,
  PRODUCTION_FILE,
  REPO_ROOT,
  retag,
  TEST_OVERLAY,
} from './compose-project.js';
import { LOAD_CLIENTS, type LoadResult, startLoad } from './load.js';

/**
 * The production compose file, run for real: built, started with 3 backends, scaled,
 * killed, upgraded and restarted under load, backed up and restored into a fresh stack.
 * Runs in order; each step leaves the stack as the next one expects.
 */
const run = promisify(execFile);
const secret = () => randomBytes(24).toString('hex');
const EPAY_KEY = secret();

/** The env file: settings only. */
function gatewayEnv(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    BACKEND_REPLICAS: '6', // the connection budget covers a rolling upgrade's doubling
    WORKERS: '2',
    DB_POOL_MAX: '10',
    DB_REPLICA_POOL_MAX: '10',
    PG_MAX_CONNECTIONS: '200',
    PG_SHARED_BUFFERS: '128MB',
    PG_EFFECTIVE_CACHE_SIZE: '1GB',
    ARCHIVE_TIMEOUT: '10',
    UPSTREAM_BASE_URL: 'http://mock-upstream:12399/v1',
    PUBLIC_BASE_URL: 'https://gateway.example.test',
    EPAY_GATEWAY_URL: 'https://pay.example.test',
    EPAY_PID: '1001',
    EPAY_CURRENCY: 'CNY',
    NODE_OPTIONS: '--max-old-space-size=256',
  };
}

/** The Docker secrets, as compose/make-secrets.sh would make them and an operator fill them in. */
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
    // s3rver's fixed key pair; the passphrase that encrypts the S3 repository.
    backup_s3_key: 'S3RVER',
    backup_s3_key_secret: 'S3RVER',
    backup_cipher_pass: secret(),
    // Alertmanager sends by e-mail only here (to the mail catcher: testVars).
    alert_webhook_url: '',
    alert_smtp_password: '',
  };
}

/**
 * The S3 stand-in's files: a self-signed certificate for its name `s3` (which pgBackRest is
 * given as the CA) and the directory that holds the bucket (shared by the restore stack's
 * stand-in, as one bucket is by two hosts).
 */
async function s3Files(): Promise<{ TEST_S3_TLS_DIR: string; TEST_S3_DATA_DIR: string }> {
  const tls = mkdtempSync(path.join(os.tmpdir(), 'cgs3tls-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=s3',
    '-addext',
    'subjectAltName=DNS:s3',
    '-keyout',
    path.join(tls, 'key.pem'),
    '-out',
    path.join(tls, 'cert.pem'),
  ]);
  chmodSync(tls, 0o755);
  // s3rver runs as node (uid 1000): its key too must be readable (a test key).
  chmodSync(path.join(tls, 'key.pem'), 0o644);
  const data = mkdtempSync(path.join(os.tmpdir(), 'cgs3data-'));
  chmodSync(data, 0o777);
  return { TEST_S3_TLS_DIR: tls, TEST_S3_DATA_DIR: data };
}

/** The compose-file settings of the off-host backups (the S3 stand-in) and of Alertmanager's receiver (the mail catcher). */
function testVars(s3: { TEST_S3_TLS_DIR: string; TEST_S3_DATA_DIR: string }): Record<string, string> {
  return {
    ...s3,
    BACKUP_S3_BUCKET: 'gateway-backups',
    BACKUP_S3_ENDPOINT: 's3',
    BACKUP_S3_PORT: '4433',
    BACKUP_S3_URI_STYLE: 'path',
    BACKUP_S3_REGION: 'us-east-1',
    BACKUP_S3_CA_FILE: '/etc/pgbackrest/s3-ca.pem',
    ALERT_EMAIL_TO: 'ops@example.test',
    ALERT_EMAIL_FROM: 'alerts@gateway.example.test',
    ALERT_SMTP_SMARTHOST: 'mail-catcher:12325',
    ALERT_SMTP_REQUIRE_TLS: 'false',
    ALERT_GROUP_WAIT: '1s',
  };
}

/** Every object file in the S3 stand-in's directory (s3rver keeps an object as `<key>._S3rver_object`). */
function s3Objects(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('._S3rver_object'))
    .map((f) => path.join(dir, f));
}

/** A certificate for nginx's TLS listener, in a directory mounted as GATEWAY_TLS_DIR. */
async function tlsFiles(): Promise<Record<string, string>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cgtls-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  chmodSync(dir, 0o755);
  return { GATEWAY_TLS_DIR: dir, TLS_CERT_FILE: '/etc/nginx/tls/cert.pem', TLS_KEY_FILE: '/etc/nginx/tls/key.pem' };
}

/** A JSON answer, read as the loosely typed thing a test inspects. */
async function getJson(url: string, key?: string): Promise<any> {
  const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
  return res.json();
}

function summary(phase: string, r: LoadResult) {
  console.log(
    `# ${phase}: ${r.sent} requests, ${r.ok} answered 200, failures ${JSON.stringify(r.failures)}, ${r.resent} resent after nginx closed an idle connection`,
  );
}

/** How often nginx's follower has changed the backend set (each change is a reload), and the machine's load: what the resends follow. */
async function reloads(stack: ComposeProject): Promise<{ count: number; load: string }> {
  const [nginx] = await stack.containers('nginx');
  const { stdout, stderr } = await run('docker', ['logs', nginx!], { maxBuffer: 64 * 1024 * 1024 });
  const count = `${stdout}${stderr}`.split('\n').filter((line) => line.includes('backends now')).length;
  return { count, load: os.loadavg()[0]!.toFixed(1) };
}

/**
 * "No request fails" holds only if the load client's resends stay within what nginx's reloads
 * explain: it sends again a request whose connection closed before any answer, which a reload
 * does to an idle keep-alive connection when a request picks it at that very moment. Each
 * client holds one connection, and a reload closes it at most once: more resends than clients
 * × reloads (counted from the follower's log) would be failures the resends hide. On a loaded
 * machine the moment is wide and a reload can catch most clients; on an idle one, few.
 */
function assertFewResent(r: LoadResult, reloadCount: number, clients = LOAD_CLIENTS) {
  const bound = clients * Math.max(1, reloadCount);
  console.log(`# resent: ${r.resent} of ${r.sent} requests (at most ${bound}: ${clients} clients × ${reloadCount} reloads)`);
  assert.ok(r.resent <= bound, `at most ${bound} requests resent after a closed connection (${r.resent} were)`);
}

/** What one customer's requests left in the books: the usage log and the daily counters. */
async function books(stack: ComposeProject, keyId: number, userId: number) {
  const [[logged, tokensIn, tokensOut]] = (await stack.sql(
    'postgres-primary',
    `SELECT count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(completion_tokens), 0) FROM usage_logs WHERE api_key_id = ${keyId} AND status_code = 200`,
  )) as [[string, string, string]];
  const [[requests]] = (await stack.sql('postgres-primary', `SELECT coalesce(sum(request_count), 0) FROM daily_usage WHERE user_id = ${userId}`)) as [[string]];
  return { logged: Number(logged), tokensIn: Number(tokensIn), tokensOut: Number(tokensOut), dailyRequests: Number(requests) };
}

/** Usage records not yet in Postgres: unacknowledged ones (a killed flusher's too, until taken over) and undelivered ones. */
async function usageInFlight(stack: ComposeProject): Promise<number> {
  const groups = await stack.redis('--no-raw', 'XINFO', 'GROUPS', 'cg:usage');
  // "lag" is (nil) when Redis cannot tell (after trimming): the row count check then decides.
  const field = (name: string) => Number(new RegExp(`"${name}"\\n\\s*\\d+\\) \\(integer\\) (\\d+)`).exec(groups)?.[1] ?? 0);
  return field('pending') + field('lag');
}

/**
 * Waits until every usage record is in Postgres, then checks the books against what the
 * client saw: a row per answered request with the tokens the client was told, the daily
 * counter agreeing. `cutOff` answers may be billed beyond those: requests a killed backend
 * had billed (the books come first, relay-exchange.ts) whose answer the kill cut off.
 */
async function assertBooksBalance(
  stack: ComposeProject,
  customer: { keyId: number; userId: number },
  seen: LoadResult,
  before: Awaited<ReturnType<typeof books>>,
  cutOff = 0,
) {
  let now = before;
  await waitFor(
    'every usage record written',
    async () => {
      assert.equal(await usageInFlight(stack), 0);
      now = await books(stack, customer.keyId, customer.userId);
      assert.ok(now.logged - before.logged >= seen.ok, `${now.logged - before.logged} of ${seen.ok} answered requests logged`);
    },
    60_000,
    500,
  );
  const logged = now.logged - before.logged;
  const billedBeyond = logged - seen.ok;
  if (cutOff) console.log(`# books: ${logged} requests billed, ${seen.ok} answered, ${billedBeyond} of the ${cutOff} cut off by the kill billed`);
  assert.ok(billedBeyond >= 0, `every answered request is billed (${logged} rows for ${seen.ok} answers)`);
  assert.ok(billedBeyond <= cutOff, `nothing is billed beyond what was answered${cutOff ? ' or cut off' : ''} (${logged} rows for ${seen.ok} answers)`);
  assert.equal(now.dailyRequests - before.dailyRequests, logged, 'the daily counter counts the same requests as the log');
  if (billedBeyond === 0) {
    assert.equal(now.tokensIn - before.tokensIn, seen.promptTokens, 'prompt tokens billed = prompt tokens the client was told');
    assert.equal(now.tokensOut - before.tokensOut, seen.completionTokens, 'completion tokens billed = completion tokens the client was told');
  } else {
    assert.ok(
      now.tokensIn - before.tokensIn >= seen.promptTokens && now.tokensOut - before.tokensOut >= seen.completionTokens,
      'every token the client was told is billed',
    );
  }
  return now;
}

/** Every table of the books, one digest each, from one snapshot. */
const BOOKS_QUERY = `
  BEGIN ISOLATION LEVEL REPEATABLE READ;
  SELECT 'now', now()::text;
  SELECT 'users', count(*) || ' ' || md5(coalesce(string_agg(u::text, '|' ORDER BY id), '')) FROM users u;
  SELECT 'api_keys', count(*) || ' ' || md5(coalesce(string_agg(concat_ws(',', id, user_id, key_hash, status, expires_at), '|' ORDER BY id), '')) FROM api_keys;
  SELECT 'packages', count(*) || ' ' || md5(coalesce(string_agg(p::text, '|' ORDER BY id), '')) FROM packages p;
  SELECT 'user_packages', count(*) || ' ' || md5(coalesce(string_agg(p::text, '|' ORDER BY id), '')) FROM user_packages p;
  SELECT 'payment_orders', count(*) || ' ' || md5(coalesce(string_agg(o::text, '|' ORDER BY id), '')) FROM payment_orders o;
  SELECT 'payment_events', count(*) || ' ' || md5(coalesce(string_agg(e::text, '|' ORDER BY id), '')) FROM payment_events e;
  SELECT 'usage_logs', count(*) || ' ' || md5(coalesce(string_agg(l::text, '|' ORDER BY request_id), '')) FROM usage_logs l;
  SELECT 'daily_usage', count(*) || ' ' || md5(coalesce(string_agg(d::text, '|' ORDER BY user_id, usage_date), '')) FROM daily_usage d;
  COMMIT;`;

async function snapshotBooks(stack: ComposeProject): Promise<Record<string, string>> {
  const rows = await stack.sql('postgres-primary', BOOKS_QUERY);
  return Object.fromEntries(rows.filter((r) => r.length === 2).map(([k, v]) => [k!, v!]));
}

function withoutTime(books: Record<string, string>) {
  const { now: _, ...rest } = books;
  return rest;
}

/** Pays an order as EPay's signed notify does. */
async function payWithEpay(stack: ComposeProject, orderNo: string, money: string) {
  const params: Record<string, string> = {
    pid: '1001',
    trade_no: `T${orderNo}`,
    out_trade_no: orderNo,
    type: 'alipay',
    name: 'Pro',
    money,
    trade_status: 'TRADE_SUCCESS',
  };
  const query = new URLSearchParams({ ...params, sign: signEpay(params, EPAY_KEY), sign_type: 'MD5' });
  const res = await fetch(`${stack.gatewayUrl}/api/payments/notify/epay?${query}`);
  assert.equal(await res.text(), 'success');
}

/** Chat requests each backend has served, by its address (the metrics port is reached on the project's network). */
async function backendRequestCounts(stack: ComposeProject): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const address of await addresses(stack, 'backend')) {
    const text = await (await fetch(`http://${address}:12501/metrics`)).text();
    const served = parsePrometheusText(text)
      .filter((m) => m.name === 'http_requests_total' && m.labels.route?.includes('chat'))
      .reduce((sum, m) => sum + m.value, 0);
    counts.set(address, served);
  }
  return counts;
}

/** One chat request with a key through the stack's nginx; the status it answered. */
async function chat(stack: ComposeProject, key: string, content: string): Promise<number> {
  const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
  return res.status;
}

describe('the production compose stack', { timeout: 40 * 60_000 }, () => {
  let stack: ComposeProject;
  let s3: Awaited<ReturnType<typeof s3Files>>;
  let admin: ReturnType<typeof adminApi>;
  let customer: { userId: number; keyId: number; key: string; packageId: number };

  before(async () => {
    s3 = await s3Files();
    stack = await composeProject({
      name: `cgprod${process.pid}`,
      files: [PRODUCTION_FILE, TEST_OVERLAY],
      gatewayEnv: gatewayEnv(),
      secrets: gatewaySecrets(),
      subnets: { edge: '172.30.122.0/24', data: '172.30.121.0/24', offsite: '172.30.120.0/24' },
      vars: { ...(await tlsFiles()), ...testVars(s3) },
    });
    await stack.compose('build');
    const started = Date.now();
    await stack.compose('up', '-d', '--scale', 'backend=3');
    await stack.ready(240_000);
    console.log(`# stack up with 3 backends in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    admin = adminApi({ gatewayUrl: stack.gatewayUrl, adminToken: stack.secrets.admin_token } as never);
  });

  // And should the file end otherwise (a crash, a signal, a test cancelled with its await
  // pending), the stacks come down when the process exits (compose-project.ts).
  after(async () => {
    if (!stack) return;
    await stack.down({ volumes: true }).catch((err) => console.error(err));
    if (!process.env.KEEP_COMPOSE) for (const dir of Object.values(s3)) rmSync(dir, { recursive: true, force: true });
  });

  test('three backends are healthy and nginx routes to each of them', async () => {
    const ids = await stack.containers('backend');
    assert.equal(ids.length, 3);
    for (const id of ids) await waitFor(`backend ${id.slice(0, 12)} healthy`, async () => assert.equal(await containerHealth(id), 'healthy'), 60_000, 500);
    await nginxFollows(stack, 3);
  });

  test('every service is healthy, drops every capability it does not need, may not gain privileges and rotates its logs; registry images are pinned', async () => {
    const ids = (await docker('ps', '-aq', '--no-trunc', '--filter', `label=com.docker.compose.project=${stack.name}`)).split('\n').filter(Boolean);
    const seen = new Set<string>();
    for (const id of ids) {
      const [info] = JSON.parse(await docker('inspect', id));
      const service: string = info.Config.Labels['com.docker.compose.service'];
      // The overlay's stand-ins for the outside world are not the production file's.
      if (['mock-upstream', 's3', 'mail-catcher'].includes(service)) continue;
      seen.add(service);
      const caps = (list: string[] | null) => (list ?? []).map((c) => c.replace(/^CAP_/, '')).sort();
      assert.deepEqual(caps(info.HostConfig.CapDrop), ['ALL'], `${service} drops every capability`);
      assert.deepEqual(caps(info.HostConfig.CapAdd), service === 'nginx' ? ['CHOWN', 'SETGID', 'SETUID'] : [], `${service} adds back only what it needs`);
      assert.ok((info.HostConfig.SecurityOpt ?? []).includes('no-new-privileges:true'), `${service}: no-new-privileges`);
      assert.equal(info.HostConfig.LogConfig.Type, 'json-file', `${service} logs to json-file`);
      assert.ok(info.HostConfig.LogConfig.Config['max-size'] && info.HostConfig.LogConfig.Config['max-file'], `${service} rotates its log`);
      const image: string = info.Config.Image;
      if (!image.startsWith('codex-gateway/')) assert.match(image, /:v?\d+\.\d+\.\d+/, `${service} runs a pinned release (${image})`);
    }
    for (const service of [
      'postgres-primary',
      'postgres-replica',
      'backup',
      'redis',
      'migrate',
      'backend',
      'nginx',
      'prometheus',
      'alertmanager',
      'postgres-exporter',
      'node-exporter',
    ])
      assert.ok(seen.has(service), `${service} runs`);
    for (const service of [
      'nginx',
      'prometheus',
      'backup',
      'alertmanager',
      'postgres-exporter',
      'node-exporter',
      'redis',
      'postgres-primary',
      'postgres-replica',
    ]) {
      const [id] = await stack.containers(service);
      await waitFor(`${service} healthy`, async () => assert.equal(await containerHealth(id!), 'healthy'), 120_000, 1000);
    }
  });

  test('the replica streams from the primary, and a write on the primary is read on the replica', async () => {
    const [[state, slot]] = (await stack.sql(
      'postgres-primary',
      'SELECT state, (SELECT slot_name FROM pg_replication_slots LIMIT 1) FROM pg_stat_replication',
    )) as [[string, string]];
    assert.equal(state, 'streaming');
    assert.equal(slot, 'gateway_replica');
    // The slot may hold back no more WAL than max_slot_wal_keep_size (PG_MAX_SLOT_WAL_KEEP_SIZE, 10GB by default).
    assert.deepEqual(await stack.sql('postgres-primary', 'SHOW max_slot_wal_keep_size'), [['10GB']]);
    assert.deepEqual(
      await stack.sql('postgres-primary', "SELECT wal_status, safe_wal_size > 0 FROM pg_replication_slots WHERE slot_name = 'gateway_replica'"),
      [['reserved', 't']],
    );
    assert.deepEqual(await stack.sql('postgres-replica', 'SELECT pg_is_in_recovery()'), [['t']]);
    const user = await admin.createUser();
    await waitFor(
      'the new user on the replica',
      async () => {
        assert.deepEqual(await stack.sql('postgres-replica', `SELECT email FROM users WHERE id = ${user.id}`), [[user.email]]);
      },
      10_000,
      200,
    );
  });

  test('the migrate step ran every migration once, as the owner, before the backends, which serve as the application role', async () => {
    const files = readdirSync(path.join(REPO_ROOT, 'services/backend/migrations'))
      .filter((f) => /^\d+_.*\.(sql|js)$/.test(f))
      .map((f) => f.replace(/\.(sql|js)$/, ''))
      .sort();
    const applied = await stack.sql('postgres-primary', 'SELECT name, count(*) FROM pgmigrations GROUP BY name ORDER BY name');
    assert.deepEqual(
      applied.map(([name]) => name),
      files,
      'every migration file is recorded',
    );
    assert.ok(
      applied.every(([, n]) => n === '1'),
      'each exactly once',
    );
    assert.match(await stack.compose('logs', '--no-color', 'migrate'), /migrations applied: /);
    assert.doesNotMatch(await stack.compose('logs', '--no-color', 'backend'), /migrations applied/, 'no backend migrates');
    const roles = await stack.sql('postgres-primary', "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name LIKE 'codex-gateway%'");
    assert.deepEqual(roles, [['gateway_app']]);
    assert.deepEqual(await stack.sql('postgres-primary', 'SELECT usename FROM pg_stat_replication'), [['replicator']], 'the replica streams as replicator');
  });

  test('the application role appends to the audit log and reads it, and can neither change nor empty it', async () => {
    await admin.createUser(); // an audit row
    const [primary] = await stack.containers('postgres-primary');
    const asApp = (query: string) =>
      docker(
        'exec',
        '-e',
        `PGPASSWORD=${stack.secrets.database_password}`,
        primary!,
        'psql',
        '-h',
        '127.0.0.1',
        '-U',
        'gateway_app',
        '-d',
        'codex_gateway',
        '-v',
        'ON_ERROR_STOP=1',
        '-tAc',
        query,
      );
    assert.ok(Number(await asApp('SELECT count(*) FROM audit_log')) > 0, 'it reads the audit log');
    await asApp(`INSERT INTO audit_log (actor, role, action, target_type, target_id) VALUES ('compose-test', 'owner', 'test.append', 'test', '1')`);
    for (const query of [
      "UPDATE audit_log SET actor = 'someone else'",
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
      'ALTER TABLE audit_log DISABLE TRIGGER ALL',
      'DROP TRIGGER audit_log_no_update ON audit_log',
    ]) {
      await assert.rejects(asApp(query), /permission denied|must be owner/, query);
    }
    // The backup service shares the socket: as its OS user it is the owner, and no one else.
    const backupAs = (role: string) =>
      stack.compose('exec', '-T', 'backup', 'psql', '-h', '/var/run/postgresql', '-U', role, '-d', 'codex_gateway', '-tAc', 'SELECT current_user');
    assert.equal(await backupAs('gateway'), 'gateway');
    await assert.rejects(backupAs('gateway_app'), /Peer authentication failed/);
  });

  test('Postgres and Redis are on an internal network nginx cannot reach, Redis wants its password, and no secret is in any environment', async () => {
    const data = JSON.parse(await docker('network', 'inspect', `${stack.name}_data`))[0];
    assert.equal(data.Internal, true);
    const onData = Object.values<{ Name: string }>(data.Containers).map((c) => c.Name);
    for (const service of ['postgres-primary', 'postgres-replica', 'redis', 'backup', 'backend'])
      assert.ok(
        onData.some((n) => n.includes(`_${service}_`)),
        `${service} is on the data network`,
      );
    assert.ok(!onData.some((n) => n.includes('_nginx_') || n.includes('_prometheus_')), 'nginx and Prometheus are not');
    const [nginx] = await stack.containers('nginx');
    for (const name of ['redis', 'postgres-primary']) await assert.rejects(docker('exec', nginx!, 'getent', 'hosts', name), `nginx cannot resolve ${name}`);
    // From nginx's network by address: Docker's firewall keeps it off an internal network
    // (this test engine runs without iptables, so it may get through): Postgres then
    // accepts no one from another network (pg_hba.conf: samenet), Redis no one without its password.
    const [primaryAddress] = await addresses(stack, 'postgres-primary', 'data');
    const [redisAddress] = await addresses(stack, 'redis', 'data');
    const fromEdge = (image: string, ...command: string[]) =>
      run(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          `${stack.name}_edge`,
          '-e',
          `PGPASSWORD=${stack.secrets.database_password}`,
          '-e',
          'PGCONNECT_TIMEOUT=5',
          '--entrypoint',
          command[0]!,
          image,
          ...command.slice(1),
        ],
        {
          timeout: 30_000,
        },
      ).then(
        (r) => r.stdout + r.stderr,
        (err: { stdout?: string; stderr?: string }) => `${err.stdout}${err.stderr}`,
      );
    assert.match(
      await fromEdge('codex-gateway/postgres:15.10', 'psql', '-h', primaryAddress!, '-U', 'gateway_app', '-d', 'codex_gateway', '-c', 'SELECT 1'),
      /no pg_hba.conf entry|timeout expired|could not connect|No route/,
    );
    assert.match(await fromEdge('redis:7.2.5-bookworm', 'timeout', '5', 'redis-cli', '-h', redisAddress!, 'ping'), /NOAUTH|Could not connect|^$/);

    const [redis] = await stack.containers('redis');
    const anonymous = await run('docker', ['exec', redis!, 'redis-cli', 'ping']).then(
      (r) => r.stdout + r.stderr,
      (err: { stdout?: string; stderr?: string }) => `${err.stdout}${err.stderr}`,
    );
    assert.match(anonymous, /NOAUTH/, 'a client without the password is refused');
    assert.equal(await stack.redis('ping'), 'PONG');

    const values = Object.values(stack.secrets).filter((v) => v.length >= 8);
    for (const service of ['backend', 'migrate', 'postgres-primary', 'postgres-replica', 'redis', 'nginx', 'backup', 'alertmanager', 'postgres-exporter']) {
      const ids = await docker(
        'ps',
        '-aq',
        '--filter',
        `label=com.docker.compose.project=${stack.name}`,
        '--filter',
        `label=com.docker.compose.service=${service}`,
      );
      for (const id of ids.split('\n').filter(Boolean)) {
        const config = await docker('inspect', '-f', '{{json .Config.Env}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}', id);
        for (const value of values) assert.ok(!config.includes(value), `${service}'s environment and command hold no secret`);
      }
    }
    const [backend] = await stack.containers('backend');
    assert.match(await docker('inspect', '-f', '{{json .Config.Env}}', backend!), /"KEY_PEPPER_FILE=\/run\/secrets\/key_pepper"/);
    const [replica] = await stack.containers('postgres-replica');
    const conninfo = await docker('exec', replica!, 'grep', 'primary_conninfo', '/var/lib/postgresql/data/pgdata/postgresql.auto.conf');
    assert.match(conninfo, /user=replicator passfile=/);
    assert.doesNotMatch(conninfo, /password/);
  });

  test('nginx terminates TLS with the configured certificate, with HSTS over it only; the account routes are limited per address', async () => {
    const res = await new Promise<{ status: number; hsts: unknown }>((resolve, reject) =>
      https
        .get(`${stack.gatewayTlsUrl}/healthz`, { rejectUnauthorized: false }, (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] });
        })
        .on('error', reject),
    );
    assert.equal(res.status, 200);
    assert.match(String(res.hsts), /^max-age=/);
    assert.equal((await fetch(`${stack.gatewayUrl}/healthz`)).headers.get('strict-transport-security'), null);
    assert.equal((await fetch(`${stack.gatewayUrl}/readyz`)).status, 404, 'readiness is not public');
    const statuses: number[] = [];
    for (let i = 0; i < 14; i += 1) statuses.push((await fetch(`${stack.gatewayUrl}/api/console/auth/sign-in`, { method: 'POST', body: '{}' })).status);
    assert.equal(statuses.at(-1), 429);
  });

  test('a customer chats through nginx with the official openai SDK, streaming too', async () => {
    customer = await admin.customer({ daily_request_limit: null, daily_token_limit: null });
    const openai = new OpenAI({ baseURL: `${stack.gatewayUrl}/v1`, apiKey: customer.key, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello from compose' }] });
    assert.ok(answer.choices[0]?.message.content, 'an answer');
    assert.ok(answer.usage && answer.usage.total_tokens > 0, 'usage in the answer');
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'stream please' }] });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    assert.ok(chunks > 2 && text.length > 0, `a streamed answer (${chunks} chunks)`);
    const usage = await getJson(`${stack.gatewayUrl}/v1/usage`, customer.key);
    assert.equal(usage.request_count, 2, 'both requests are counted');
  });

  test('Prometheus scrapes every backend', async () => {
    const running = await addresses(stack, 'backend');
    await waitFor(
      'Prometheus to scrape the three backends',
      async () => {
        const targets = (await getJson(`${stack.prometheusUrl}/api/v1/targets`)).data.activeTargets as Array<{
          labels: { job: string; instance: string };
          health: string;
        }>;
        const up = targets
          .filter((t) => t.labels.job === 'gateway-backends' && t.health === 'up')
          .map((t) => t.labels.instance.split(':')[0])
          .sort();
        assert.deepEqual(up, running);
      },
      90_000,
      1000,
    );
    // A target turns "up" at its first scrape, which may precede the requests above; the
    // counters arrive with a later scrape.
    await waitFor(
      'request counts to reach Prometheus',
      async () => {
        const query = await getJson(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent('sum(http_requests_total{job="gateway-backends"})')}`);
        assert.ok(Number(query.data.result[0]?.value[1]) > 0, 'request counts reach Prometheus');
      },
      60_000,
      1000,
    );
  });

  test('Prometheus watches archiving, the replica slot, the disks and both backup repositories, and Alertmanager mails an alert to the receiver', async () => {
    await waitFor(
      'the exporters and Alertmanager scraped',
      async () => {
        const targets = (await getJson(`${stack.prometheusUrl}/api/v1/targets`)).data.activeTargets as Array<{ labels: { job: string }; health: string }>;
        for (const job of ['postgres', 'node', 'alertmanager'])
          assert.ok(
            targets.some((t) => t.labels.job === job && t.health === 'up'),
            `${job} is up`,
          );
      },
      120_000,
      2000,
    );
    const value = async (query: string) =>
      Number((await getJson(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`)).data.result[0]?.value[1] ?? Number.NaN);
    await waitFor(
      'the metrics the platform alerts read',
      async () => {
        assert.ok((await value('pg_stat_archiver_archived_count{job="postgres"}')) > 0, 'WAL archived');
        assert.ok((await value('gateway_wal_archive_ready_segments{job="postgres"}')) >= 0, 'segments waiting to be archived');
        assert.equal(await value('gateway_replication_slot_active{slot_name="gateway_replica"}'), 1, 'the replica streams from its slot');
        assert.equal(await value('gateway_replication_slot_wal_status{slot_name="gateway_replica"}'), 0, 'the slot keeps what it should');
        assert.ok((await value('max(node_filesystem_avail_bytes{job="node",mountpoint="/"})')) > 0, "the host's disk");
        for (const repo of ['1', '2'])
          assert.ok((await value(`max(gateway_backup_last_success_timestamp_seconds{repo="${repo}"})`)) > 0, `a backup in repository ${repo}`);
        assert.equal(await value('min(gateway_backup_repo_ok)'), 1, 'both repositories readable');
      },
      120_000,
      2000,
    );
    // Archiving works: the first segments may fail until the backup service has made the stanza, none since.
    assert.deepEqual(await stack.sql('postgres-primary', "SELECT last_archived_time > coalesce(last_failed_time, '-infinity') FROM pg_stat_archiver"), [['t']]);
    const groups = (await getJson(`${stack.prometheusUrl}/api/v1/rules`)).data.groups.map((g: { name: string }) => g.name);
    for (const group of ['gateway-backups', 'gateway-postgres', 'gateway-host', 'gateway-traffic']) assert.ok(groups.includes(group), `rules ${group} loaded`);
    const firing = (await getJson(`${stack.prometheusUrl}/api/v1/alerts`)).data.alerts.filter((a: { state: string }) => a.state === 'firing');
    assert.deepEqual(
      firing
        .map((a: { labels: { alertname: string } }) => a.labels.alertname)
        .filter((n: string) => /^Gateway(Wal|Backup|Replication|Postgres|Disk|Monitoring)/.test(n)),
      [],
      'no platform alert fires on a healthy stack',
    );
    await waitFor(
      'Prometheus to find Alertmanager',
      async () => assert.equal((await getJson(`${stack.prometheusUrl}/api/v1/alertmanagers`)).data.activeAlertmanagers.length, 1),
      60_000,
      1000,
    );
    // An alert as Prometheus sends one, through Alertmanager's route to the operators' e-mail receiver.
    const sent = await fetchWithin(`${stack.alertmanagerUrl}/api/v2/alerts`, 10_000, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ labels: { alertname: 'ComposeTestAlert', severity: 'warning' }, annotations: { summary: 'a test of the receiver' } }]),
    });
    assert.equal(sent.status, 200, sent.body);
    await waitFor(
      'the alert mailed to the receiver',
      async () => {
        const mails = JSON.parse((await fetchWithin(`http://127.0.0.1:${stack.vars.MAIL_CATCHER_PUBLISH_PORT}/messages?to=ops@example.test`, 5000)).body);
        assert.ok(
          mails.some((m: { subject: string }) => m.subject.includes('ComposeTestAlert')),
          `mails: ${mails.map((m: { subject: string }) => m.subject).join('; ')}`,
        );
      },
      60_000,
      1000,
    );
  });

  test('nginx turns unhealthy when its backend follower dies, and a restart brings the follower back', async () => {
    const [nginx] = await stack.containers('nginx');
    // The follower is the background copy of 40-follow-backends.sh (and its children).
    const killed = await docker(
      'exec',
      nginx!,
      'bash',
      '-c',
      'for p in /proc/[0-9]*; do pid=${p#/proc/}; [ "$pid" = "$$" ] && continue; if tr "\\0" " " <"$p/cmdline" 2>/dev/null | grep -q docker-entrypoint.d/40-follow-backends; then kill "$pid" 2>/dev/null && echo "$pid"; fi; done',
    );
    assert.ok(killed.split('\n').filter(Boolean).length > 0, 'the follower was running');
    await waitFor('nginx unhealthy', async () => assert.equal(await containerHealth(nginx!), 'unhealthy'), 90_000, 1000);
    assert.equal((await fetchWithin(`${stack.gatewayUrl}/healthz`, 5000)).status, 200, 'nginx itself still serves');
    await docker('restart', '-t', '10', nginx!);
    await waitFor('nginx healthy again', async () => assert.equal(await containerHealth(nginx!), 'healthy'), 90_000, 1000);
    await nginxFollows(stack, (await stack.containers('backend')).length, 60_000);
  });

  test('scaling to 5 and back to 2 under load: nginx follows within seconds and no request fails', async () => {
    const before = await books(stack, customer.keyId, customer.userId);
    const reloadsBefore = await reloads(stack);
    const load = startLoad({ gatewayUrl: stack.gatewayUrl, apiKey: customer.key });
    // A message of its own: without one, a failing assert.ok has node parse this file to word one, which takes minutes here.
    await waitFor('load flowing', async () => assert.ok(load.answered() > 20, `${load.answered()} answered`), 20_000, 100);
    const scaledUp = Date.now();
    await stack.compose('up', '-d', '--no-deps', '--no-recreate', '--scale', 'backend=5', 'backend');
    const lag = await nginxFollows(stack, 5);
    const up = Date.now() - scaledUp;
    const served = await backendRequestCounts(stack);
    await waitFor(
      'every one of the 5 backends serving',
      async () => {
        const now = await backendRequestCounts(stack);
        const idle = [...now].filter(([address, n]) => n <= (served.get(address) ?? 0));
        assert.equal(idle.length, 0, `${idle.length} backends got no new request`);
      },
      20_000,
      500,
    );
    const scaledDown = Date.now();
    await stack.compose('up', '-d', '--no-deps', '--no-recreate', '--scale', 'backend=2', 'backend');
    await nginxFollows(stack, 2, 30_000);
    const down = Date.now() - scaledDown;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const result = await load.stop();
    summary(`scale 3→5→2 (5 routed ${up} ms after the scale command, ${lag} ms at most after a new backend was healthy; back to 2 in ${down} ms)`, result);
    const reloadsAfter = await reloads(stack);
    const reloadCount = reloadsAfter.count - reloadsBefore.count;
    console.log(`# nginx reloads meanwhile: ${reloadCount}; load average ${reloadsBefore.load} → ${reloadsAfter.load}`);
    assert.deepEqual(result.failures, {}, `no request fails: ${result.failureBodies.join('; ')}`);
    assertFewResent(result, reloadCount);
    assert.ok(lag < 5000, `nginx routes to a new backend within seconds of its being healthy (${lag} ms)`);
    await assertBooksBalance(stack, customer, result, before);
  });

  test('killing a backend under load fails at most the requests it had in flight, and the books balance', async () => {
    await stack.compose('up', '-d', '--no-deps', '--no-recreate', '--scale', 'backend=3', 'backend');
    await nginxFollows(stack, 3, 60_000);
    const clients = 8;
    const before = await books(stack, customer.keyId, customer.userId);
    const load = startLoad({ gatewayUrl: stack.gatewayUrl, apiKey: customer.key, clients });
    await waitFor('load flowing', async () => assert.ok(load.answered() > 50, `${load.answered()} answered`), 20_000, 100);
    const [victim] = await stack.containers('backend');
    await docker('kill', victim!);
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const result = await load.stop();
    summary('kill one of 3 backends', result);
    const failed = Object.values(result.failures).reduce((a, b) => a + b, 0);
    assert.ok(failed <= clients, `at most the ${clients} requests in flight fail (${failed} did)`);
    assert.ok(
      Object.keys(result.failures).every((status) => status === '502'),
      `a failed request is a 502 in the API's shape: ${result.failureBodies.join('; ')}`,
    );
    for (const body of result.failureBodies) assert.equal(JSON.parse(body.slice(body.indexOf('{'))).error.type, 'server_error');
    await assertBooksBalance(stack, customer, result, before, failed);
    await docker('rm', '-f', victim!);
  });

  test('a rolling upgrade of the backend image under load fails no request', async () => {
    await stack.compose('up', '-d', '--no-deps', '--no-recreate', '--scale', 'backend=3', 'backend');
    await nginxFollows(stack, 3, 60_000);
    // The new version: the same code under a new tag and image id, as a release would be.
    const nextImage = await retag('codex-gateway/backend:latest', 'codex-gateway/backend:next');
    const before = await books(stack, customer.keyId, customer.userId);
    const reloadsBefore = await reloads(stack);
    const load = startLoad({ gatewayUrl: stack.gatewayUrl, apiKey: customer.key });
    await waitFor('load flowing', async () => assert.ok(load.answered() > 20, `${load.answered()} answered`), 20_000, 100);
    const rollout = await run('bash', ['compose/rollout.sh', ...stack.args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...stack.vars, GATEWAY_VERSION: 'next' },
    });
    console.log(rollout.stdout.trim().replace(/^/gm, '# '));
    await nginxFollows(stack, 3, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const result = await load.stop();
    summary('rolling upgrade of 3 backends', result);
    const reloadsAfter = await reloads(stack);
    const reloadCount = reloadsAfter.count - reloadsBefore.count;
    console.log(`# nginx reloads meanwhile: ${reloadCount}; load average ${reloadsBefore.load} → ${reloadsAfter.load}`);
    assert.deepEqual(result.failures, {}, `no request fails: ${result.failureBodies.join('; ')}`);
    assertFewResent(result, reloadCount);
    for (const id of await stack.containers('backend'))
      assert.equal(await docker('inspect', '-f', '{{.Image}}', id), nextImage, 'every backend runs the new image');
    await assertBooksBalance(stack, customer, result, before);
  });

  test('down and up again: nothing is lost, and every key and counter still works', async () => {
    const usage = async () => (await getJson(`${stack.gatewayUrl}/v1/usage`, customer.key)).request_count;
    const countedBefore = await usage();
    const before = await snapshotBooks(stack);
    await stack.compose('down', '-t', '40');
    await stack.compose('up', '-d', '--scale', 'backend=2');
    await stack.ready(240_000);
    assert.deepEqual(withoutTime(await snapshotBooks(stack)), withoutTime(before), 'every table of the books is as it was');
    assert.equal(await usage(), countedBefore, "today's count survived in Redis (append-only file)");
    assert.equal(await chat(stack, customer.key, 'after a restart'), 200);
    assert.equal(await usage(), countedBefore + 1);
  });

  test('a backup restores into a fresh stack, to a chosen moment, with the books exactly as they were then', async () => {
    assert.match(await stack.compose('exec', '-T', 'backup', 'gateway-backup', 'info'), /full backup: \d{8}-\d{6}F/, 'the backup service took a full backup');

    // Orders too: one paid (with its payment event and package period), one pending.
    const buyer = await admin.buyer({ price_cents: 1200, currency: 'CNY' });
    const order = async () => {
      const res = await postJson(`${stack.gatewayUrl}/v1/orders`, buyer.key, { package_id: buyer.packageId, provider: 'epay' });
      assert.equal(res.status, 201);
      return res.body.order_no as string;
    };
    await payWithEpay(stack, await order(), '12.00');
    await order();

    // The moment to restore to: nothing in flight, every usage record written.
    await waitFor(
      'usage written',
      async () =>
        assert.deepEqual(await stack.sql('postgres-primary', "SELECT count(*) FROM usage_logs WHERE created_at > now() - interval '2 seconds'"), [['0']]),
      30_000,
      500,
    );
    const atMoment = await snapshotBooks(stack);
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // After it: a new customer and a request, which the restore must not bring back.
    const late = await admin.customer();
    assert.equal(await chat(stack, late.key, 'after the moment'), 200);
    await waitFor(
      'the late request written',
      async () => assert.deepEqual(await stack.sql('postgres-primary', `SELECT count(*) FROM usage_logs WHERE user_id = ${late.userId}`), [['1']]),
      30_000,
      300,
    );
    assert.notDeepEqual(withoutTime(await snapshotBooks(stack)), withoutTime(atMoment));
    // Every WAL segment up to now in both repositories (check switches WAL and waits for it).
    await stack.compose('exec', '-T', 'backup', 'pgbackrest', '--stanza=gateway', 'check');

    // The off-host copy is encrypted: every object in the bucket is OpenSSL-format ciphertext
    // ("Salted__" and its salt), none reads as the plain repository (pgBackRest's info and
    // manifest files are INI text naming the database), and the passphrase opens them.
    const objects = s3Objects(s3.TEST_S3_DATA_DIR);
    assert.ok(objects.some((f) => f.includes('/backup/gateway/')) && objects.some((f) => f.includes('/archive/gateway/')), 'backups and WAL in the bucket');
    for (const file of objects) {
      const bytes = readFileSync(file);
      assert.equal(bytes.subarray(0, 8).toString('latin1'), 'Salted__', `${path.relative(s3.TEST_S3_DATA_DIR, file)} is encrypted`);
      assert.ok(!bytes.includes('[backrest]') && !bytes.includes('codex_gateway'), `${path.relative(s3.TEST_S3_DATA_DIR, file)} reads as nothing plain`);
    }
    console.log(`# ${objects.length} objects in the S3 bucket, every one encrypted`);
    const backupInfo = objects.find((f) => f.endsWith('/backup/gateway/backup.info._S3rver_object'));
    assert.ok(backupInfo, 'the S3 repository has its backup.info');
    const opened = await run('openssl', ['enc', '-d', '-aes-256-cbc', '-md', 'sha1', '-pass', `pass:${stack.secrets.backup_cipher_pass}`, '-in', backupInfo]);
    assert.match(opened.stdout, /\[backup:current\]/, 'the passphrase opens it');

    // A fresh stack, as on a new host after this one was lost: an empty local repository of
    // its own, the same bucket (its S3 stand-in serves the same files), and the source's
    // secrets: the restored roles have its passwords, keys match only under its pepper, and
    // the passphrase opens the bucket. It restores from the S3 repository alone (--repo=2).
    const fresh = await composeProject({
      name: `cgrestore${process.pid}`,
      files: [PRODUCTION_FILE, TEST_OVERLAY],
      gatewayEnv: stack.env,
      secrets: stack.secrets,
      subnets: { edge: '172.30.124.0/24', data: '172.30.123.0/24', offsite: '172.30.125.0/24' },
      vars: testVars(s3),
    });
    try {
      await fresh.compose('up', '-d', 's3');
      const restore = await fresh.compose('run', '--rm', '--no-deps', 'backup', 'restore', '--repo=2', atMoment.now!);
      assert.match(restore, /restored into/);
      await fresh.compose('up', '-d', '--scale', 'backend=1');
      await fresh.ready(300_000);
      const restored = await snapshotBooks(fresh);
      assert.deepEqual(
        withoutTime(restored),
        withoutTime(atMoment),
        'users, keys, packages, periods, orders, payment events, usage and daily counters as they were',
      );
      // A customer of the source works on the restored stack; the late one never existed there.
      assert.equal(await chat(fresh, customer.key, 'restored'), 200);
      assert.equal((await fetch(`${fresh.gatewayUrl}/v1/usage`, { headers: { authorization: `Bearer ${late.key}` } })).status, 401);
      // The restored stack archives on, into its new local repository and the bucket (a new timeline).
      await waitFor(
        'the restored stack archiving to both repositories',
        async () => fresh.compose('exec', '-T', 'backup', 'pgbackrest', '--stanza=gateway', 'check'),
        180_000,
        5000,
      );
    } finally {
      await fresh.down({ volumes: true });
    }
  });
});
