import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '@codex-gateway/backend';
import { DEPLOY_DIR, DEPLOY_FILES, PRICE_LIST_FILE, REPO_ROOT } from './paths.js';
import { NGINX, renderGatewayConf, renderTemplate, renderTlsConf } from './services/nginx.js';

const run = promisify(execFile);
const COMPOSE_DIR = path.join(REPO_ROOT, 'compose');
const ENV_EXAMPLE = path.join(COMPOSE_DIR, '.env.example');

/** The compose file as docker-compose resolves it (anchors, variables, paths). */
async function resolved(file: string): Promise<any> {
  const { stdout } = await run('docker-compose', ['--env-file', ENV_EXAMPLE, '-f', path.join(COMPOSE_DIR, file), 'config'], {
    env: { ...process.env, GATEWAY_ENV_FILE: '.env.example' },
  });
  return parseYaml(stdout);
}

function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

/** Host paths a service bind-mounts (after docker-compose made them absolute). */
function mounts(compose: any): string[] {
  return Object.values<any>(compose.services).flatMap((s) =>
    (s.volumes ?? [])
      .filter((v: any) => v.type === 'bind' || (typeof v === 'string' && v.startsWith('/')))
      .map((v: any) => (typeof v === 'string' ? v.split(':')[0] : v.source)),
  );
}

describe('deployment files', () => {
  for (const file of ['docker-compose.yml', 'docker-compose.production.yml']) {
    test(`${file} validates, and every file it mounts or builds from exists`, async () => {
      const compose = await resolved(file);
      for (const source of mounts(compose)) assert.ok(existsSync(source), `${file} mounts ${source}, which does not exist`);
      for (const [name, service] of Object.entries<any>(compose.services)) {
        if (!service.build) continue;
        assert.ok(existsSync(path.join(service.build.context, service.build.dockerfile ?? 'Dockerfile')), `${name}'s Dockerfile exists`);
      }
    });
  }

  test('compose mounts the very deploy/ files the native stack uses (they cannot drift)', async () => {
    for (const file of ['docker-compose.yml', 'docker-compose.production.yml']) {
      const mounted = new Set(mounts(await resolved(file)).map((m) => path.resolve(m)));
      for (const used of Object.values(DEPLOY_FILES)) {
        const absolute = path.join(DEPLOY_DIR, used);
        const covered = mounted.has(absolute) || [...mounted].some((m) => absolute.startsWith(`${m}${path.sep}`));
        assert.ok(covered, `${file} does not mount deploy/${used}`);
      }
    }
  });

  test("the development compose file's migrate step seeds the native stack's price list; production seeds none", async () => {
    const migrate = (await resolved('docker-compose.yml')).services.migrate;
    const target = migrate.environment.SEED_PRICE_LIST;
    // docker-compose writes a volume as source:target:mode or as an object, by version.
    const volumes = (migrate.volumes ?? []).map((v: any) => {
      if (typeof v !== 'string') return v;
      const [source, volumeTarget, mode] = v.split(':');
      return { source, target: volumeTarget, read_only: mode === 'ro' };
    });
    const mounted = volumes.find((v: any) => v.target === target);
    assert.ok(mounted, `SEED_PRICE_LIST (${target}) is mounted into the migrate service`);
    assert.equal(path.resolve(mounted.source), PRICE_LIST_FILE);
    assert.equal(mounted.read_only, true);
    const production = await resolved('docker-compose.production.yml');
    for (const [name, service] of Object.entries<any>(production.services)) assert.equal(service.environment?.SEED_PRICE_LIST, undefined, name);
  });

  test('the production stack runs no development services; every long-running one restarts, and each has a memory limit', async () => {
    const compose = await resolved('docker-compose.production.yml');
    const names = Object.keys(compose.services);
    for (const dev of ['mock-upstream', 'fake-payments', 'mail-catcher', 'grafana']) assert.ok(!names.includes(dev), `${dev} is not in production`);
    for (const [name, service] of Object.entries<any>(compose.services)) {
      assert.equal(service.restart, name === 'migrate' ? 'no' : 'unless-stopped', name);
      assert.ok(service.deploy?.resources?.limits?.memory, 'every service has a memory limit');
    }
    const postgres = compose.services['postgres-primary'].command.join(' ');
    for (const setting of [
      'shared_buffers',
      'effective_cache_size',
      'work_mem',
      'max_connections=400',
      'shared_preload_libraries=pg_stat_statements',
      'log_min_duration_statement=1000',
    ]) {
      assert.ok(postgres.includes(setting), `Postgres is tuned: ${setting}`);
    }
  });

  test("production hardens every service (no capabilities but nginx's three, no privilege gain, bounded logs, healthchecks), pins every registry image, and its limits fit the 16-vCPU / 32 GB host it documents", async () => {
    const compose = await resolved('docker-compose.production.yml');
    let cpus = 0;
    let memory = 0;
    const bytes = (m: string) => Number.parseFloat(m) * ({ k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m.slice(-1).toLowerCase()] ?? 1);
    for (const [name, service] of Object.entries<any>(compose.services)) {
      assert.deepEqual(service.cap_drop, ['ALL'], `${name} drops every capability`);
      assert.deepEqual(service.cap_add ?? [], name === 'nginx' ? ['CHOWN', 'SETUID', 'SETGID'] : [], `${name} adds back only what it needs`);
      assert.deepEqual(service.security_opt, ['no-new-privileges:true'], name);
      assert.equal(service.logging?.driver, 'json-file', name);
      assert.ok(service.logging.options['max-size'] && service.logging.options['max-file'], `${name} rotates its log`);
      if (!service.image.startsWith('codex-gateway/')) assert.match(service.image, /:v?\d+\.\d+(\.\d+)?(-\w+)?$/, `${name} pins a release`);
      if (name !== 'migrate' && name !== 'backend') assert.ok(service.healthcheck?.test, `${name} has a healthcheck`); // the backend's is in its image
      const limits = service.deploy.resources.limits;
      cpus += Number(limits.cpus) * (name === 'backend' ? 3 : 1);
      memory += bytes(String(limits.memory)) * (name === 'backend' ? 3 : 1);
    }
    assert.ok(cpus <= 16 + 1, `the limits with 3 backends (${cpus} CPUs, the one-shot migrate's 1 among them) fit 16 vCPUs`);
    assert.ok(memory <= 26 * 2 ** 30, `the limits with 3 backends (${(memory / 2 ** 30).toFixed(1)} GB) leave a 32 GB host room for the OS and a rollout`);
    assert.notEqual(compose.services['postgres-primary'].deploy.resources.limits.memory, compose.services['postgres-replica'].deploy.resources.limits.memory);
    assert.equal(compose.volumes['pg-backups'].external, true, 'down -v never removes the local backup repository');
    for (const service of Object.values<any>((await resolved('docker-compose.yml')).services))
      if (service.image) assert.match(service.image, /:v?\d+\.\d+(\.\d+)?(-\w+)?$/, `the development file pins ${service.image}`);
  });

  test("the production env example and its secret files satisfy the backend's configuration once filled in, and not before", async () => {
    const backend = (await resolved('docker-compose.production.yml')).services.backend;
    const asBackend = (secretValue: (name: string) => string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
      // The env file first, the file's own environment over it (as compose does), /run/secrets/* from dir.
      const env: Record<string, string> = { ...readEnvFile(ENV_EXAMPLE) };
      for (const [name, value] of Object.entries<string>(backend.environment)) {
        const secret = /^\/run\/secrets\/(\w+)$/.exec(value)?.[1];
        if (secret) writeFileSync(path.join(dir, secret), `${secretValue(secret)}\n`);
        env[name] = secret ? path.join(dir, secret) : value;
      }
      return { env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    };
    // As compose/make-secrets.sh leaves them, with change-me where an operator has not yet filled them in.
    const placeholders = asBackend((name) =>
      name === 'smtp_url' ? 'smtps://change-me:change-me@smtp.example.com:465' : `change-me-${name}-0123456789abcdef0123456789abcdef`,
    );
    try {
      assert.throws(
        () => loadConfig(placeholders.env),
        (err: unknown) => {
          const text = (err as Error).message;
          for (const name of ['KEY_PEPPER', 'ADMIN_TOKEN', 'DATABASE_PASSWORD', 'REDIS_PASSWORD', 'UPSTREAM_API_KEY', 'EPAY_KEY'])
            assert.match(text, new RegExp(`${name}: still holds a placeholder`));
          assert.doesNotMatch(text, /change-me-key_pepper/, 'the secrets themselves are not echoed');
          return true;
        },
      );
    } finally {
      placeholders.cleanup();
    }
    const filled = asBackend((name) =>
      name === 'channel_encryption_key'
        ? ''
        : name === 'smtp_url'
          ? 'smtps://mailer:filled-in@smtp.example.com:465'
          : `${name}-filled-in-0123456789abcdef0123456789abcdef`,
    );
    try {
      const config = loadConfig(filled.env);
      assert.equal(config.env, 'production');
      assert.equal(config.logLevel, 'warn');
      assert.equal(config.auth.keyPepper, 'key_pepper-filled-in-0123456789abcdef0123456789abcdef');
      assert.equal(new URL(config.db.primaryUrl).username, 'gateway_app', 'the backends connect as the application role');
      assert.equal(config.db.ownerUrl, undefined, 'and hold no owner URL');
      assert.ok(new URL(config.redis.url).password, 'Redis with its password');
      assert.ok(config.payments.stripe && config.payments.epay, 'both payment providers are configured once their secrets are there');
      // The connection budget the example describes fits its max_connections.
      const need = config.cluster.backendReplicas * config.cluster.workers * config.db.poolMax + config.db.reservedConnections;
      assert.ok(need <= Number(readEnvFile(ENV_EXAMPLE).PG_MAX_CONNECTIONS), `${need} connections fit PG_MAX_CONNECTIONS`);
    } finally {
      filled.cleanup();
    }
  });

  test('production hands every secret over as a Docker secret file: none in an environment, and the owner password only to Postgres and the migrate step', async () => {
    const compose = await resolved('docker-compose.production.yml');
    const secretNames = new Set(Object.keys(compose.secrets));
    const secretVariable = /PASSWORD$|TOKEN$|PEPPER$|_KEY$|SECRET$|^SMTP_URL$|^DATABASE_URL$|^DATABASE_REPLICA_URL$|^DATABASE_OWNER_URL$|^REDIS_URL$/;
    for (const [name, service] of Object.entries<any>(compose.services)) {
      for (const [variable, value] of Object.entries<string>(service.environment ?? {})) {
        if (!secretVariable.test(variable)) continue;
        // URLs are allowed when they carry no password (the password is its own secret).
        assert.ok(/^\w+:\/\/[^:@/]+@/.test(value) || value === 'redis://redis:6379', `${name}: ${variable} is not a secret in the environment`);
      }
      for (const secret of service.secrets ?? []) assert.ok(secretNames.has(secret.source), `${name} uses a declared secret`);
    }
    const holders = Object.entries<any>(compose.services)
      .filter(([, s]) => (s.secrets ?? []).some((x: any) => x.source === 'postgres_password'))
      .map(([n]) => n)
      .sort();
    assert.deepEqual(holders, ['migrate', 'postgres-primary']);
    const { backend, migrate, redis } = compose.services;
    assert.equal(backend.environment.MIGRATE_ON_START, 'false');
    assert.equal(backend.environment.DATABASE_OWNER_URL, undefined);
    assert.match(migrate.environment.DATABASE_OWNER_URL, /^postgres:\/\/gateway@/);
    assert.equal(backend.depends_on.migrate.condition, 'service_completed_successfully');
    assert.equal(compose.services['postgres-replica'].environment.REPLICATION_USER, 'replicator');
    // Redis: a password from its secret; protected mode is not turned off.
    assert.equal(redis.environment.REDIS_PASSWORD_FILE, '/run/secrets/redis_password');
    assert.doesNotMatch(JSON.stringify([redis.command, redis.entrypoint]), /protected-mode/);
  });

  test('production keeps Postgres and Redis on an internal network without nginx, publishes on loopback unless told, and trusts forwarded addresses from nginx alone', async () => {
    const compose = await resolved('docker-compose.production.yml');
    assert.equal(compose.networks.data.internal, true);
    const subnet = compose.networks.edge.ipam.config[0].subnet;
    const networks = (name: string) => Object.keys(compose.services[name].networks ?? {}).sort();
    for (const data of ['postgres-replica', 'redis', 'migrate']) assert.deepEqual(networks(data), ['data'], data);
    // The primary (archive_command) and the backup service reach the off-host backup bucket.
    for (const data of ['postgres-primary', 'backup']) assert.deepEqual(networks(data), ['data', 'offsite'], data);
    assert.notEqual(compose.networks.offsite.internal, true);
    assert.deepEqual(networks('backend'), ['data', 'edge']);
    assert.deepEqual(networks('nginx'), ['edge']);
    assert.deepEqual(networks('prometheus'), ['edge']);
    const hostIp = (p: any) => (typeof p === 'string' ? p.split(':')[0] : p.host_ip);
    for (const p of compose.services.nginx.ports) assert.equal(hostIp(p), '127.0.0.1', JSON.stringify(p));
    assert.equal(compose.services.backend.environment.TRUSTED_PROXIES, subnet);
    // An operator's choice of address is honoured.
    const { stdout } = await run('docker-compose', ['--env-file', ENV_EXAMPLE, '-f', path.join(COMPOSE_DIR, 'docker-compose.production.yml'), 'config'], {
      env: { ...process.env, GATEWAY_ENV_FILE: '.env.example', GATEWAY_BIND_ADDRESS: '0.0.0.0' },
    });
    for (const p of parseYaml(stdout).services.nginx.ports) assert.equal(hostIp(p), '0.0.0.0');
  });

  test("the development file's well-known passwords fail the production check, and it keeps the same network split", async () => {
    const compose = await resolved('docker-compose.yml');
    for (const name of ['backend', 'migrate']) {
      assert.throws(
        () => loadConfig({ ...compose.services.backend.environment, ...compose.services[name].environment, NODE_ENV: 'production' }),
        (err: unknown) => {
          const text = (err as Error).message;
          const names =
            name === 'backend'
              ? ['DATABASE_PASSWORD', 'REDIS_PASSWORD', 'KEY_PEPPER', 'ADMIN_TOKEN']
              : ['DATABASE_PASSWORD', 'DATABASE_OWNER_PASSWORD', 'REPLICATION_PASSWORD'];
          for (const v of names) assert.match(text, new RegExp(`${v}: still holds a placeholder`), `${name}: ${v}`);
          return true;
        },
      );
    }
    for (const service of ['postgres-primary', 'postgres-replica', 'redis'])
      for (const [variable, value] of Object.entries<string>(compose.services[service].environment))
        if (/PASSWORD/.test(variable)) assert.match(value, /not-for-production/, `${service}: ${variable}`);
    assert.equal(compose.networks.data.internal, true);
    assert.deepEqual(Object.keys(compose.services.nginx.networks), ['edge']);
    assert.deepEqual(Object.keys(compose.services.redis.networks), ['data']);
  });

  test('the development stack publishes its ports on 127.0.0.1 only (its secrets are well known)', async () => {
    const compose = await resolved('docker-compose.yml');
    const published = Object.entries<any>(compose.services).flatMap(([name, s]) => (s.ports ?? []).map((p: any) => ({ name, p })));
    assert.ok(published.length >= 3);
    for (const { name, p } of published) {
      const hostIp = typeof p === 'string' ? p.split(':')[0] : p.host_ip;
      assert.equal(hostIp, '127.0.0.1', `${name} publishes ${JSON.stringify(p)}`);
    }
  });

  test("compose's nginx serves the console from where its image puts the build", async () => {
    const dockerfile = readFileSync(path.join(DEPLOY_DIR, 'nginx/Dockerfile'), 'utf8');
    const copied = /^COPY --from=console \S+\/services\/console\/dist (\S+)$/m.exec(dockerfile)?.[1];
    assert.ok(copied, 'deploy/nginx/Dockerfile copies the console build into the image');
    for (const file of ['docker-compose.yml', 'docker-compose.production.yml']) {
      const nginx = (await resolved(file)).services.nginx;
      assert.equal(nginx.build?.dockerfile, 'deploy/nginx/Dockerfile', `${file} builds nginx with the console`);
      assert.equal(nginx.environment.CONSOLE_ROOT, copied, `${file}: CONSOLE_ROOT is where the image has the console`);
    }
  });

  test('the nginx configuration passes nginx -t, rendered as natively and as compose renders it', async () => {
    const prefix = mkdtempSync(path.join(os.tmpdir(), 'nginx-t-'));
    try {
      for (const dir of ['conf.d', 'logs', 'temp']) mkdirSync(path.join(prefix, dir));
      writeFileSync(path.join(prefix, 'nginx.conf'), readFileSync(path.join(DEPLOY_DIR, DEPLOY_FILES.nginxConf)));
      writeFileSync(path.join(prefix, 'conf.d/gateway.conf'), renderGatewayConf({ listen: '127.0.0.1:1', backends: ['127.0.0.1:2', '127.0.0.1:3'] }));
      await run(NGINX, ['-t', '-q', '-p', `${prefix}/`, '-c', 'nginx.conf', '-e', 'logs/error.log', '-g', 'pid logs/nginx.pid;']);

      // Compose's values render without leftovers, and with the server list the follower
      // (deploy/nginx/docker-entrypoint.d/40-follow-backends.sh) writes, nginx -t passes too;
      // with a certificate, so does the HTTPS listener 30-gateway-tls.sh renders.
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        path.join(prefix, 'key.pem'),
        '-out',
        path.join(prefix, 'cert.pem'),
      ]);
      for (const file of ['docker-compose.yml', 'docker-compose.production.yml']) {
        const e = (await resolved(file)).services.nginx.environment;
        const rendered = renderTemplate(readFileSync(path.join(DEPLOY_DIR, DEPLOY_FILES.nginxTemplate), 'utf8'), e);
        assert.match(rendered, /map "on" \$gateway_limit_address/, `${file}: the per-address limits are on`);
        mkdirSync(path.join(prefix, 'tls.d'), { recursive: true });
        writeFileSync(
          path.join(prefix, 'tls.d/gateway.conf'),
          renderTlsConf({ listen: '127.0.0.1:4', certFile: path.join(prefix, 'cert.pem'), keyFile: path.join(prefix, 'key.pem') }),
        );
        assert.doesNotMatch(rendered, /\$\{/);
        assert.match(rendered, /include \/etc\/nginx\/backends\.inc;/);
        writeFileSync(path.join(prefix, 'backends.inc'), 'server 127.0.0.1:2 max_fails=1 fail_timeout=2s;\nserver 127.0.0.1:3 max_fails=1 fail_timeout=2s;\n');
        writeFileSync(
          path.join(prefix, 'conf.d/gateway.conf'),
          rendered
            .replaceAll('/etc/nginx/backends.inc', path.join(prefix, 'backends.inc'))
            .replace(/listen \d+ /, 'listen 127.0.0.1:1 ')
            .replace(/access_log [^;]+;/, 'access_log off;'),
        );
        await run(NGINX, ['-t', '-q', '-p', `${prefix}/`, '-c', 'nginx.conf', '-e', 'logs/error.log', '-g', 'pid logs/nginx.pid;']);
      }
    } finally {
      rmSync(prefix, { recursive: true, force: true });
    }
  });
});
