import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '@codex-gateway/backend';
import { DEPLOY_DIR, DEPLOY_FILES, REPO_ROOT } from './paths.js';
import { NGINX, renderGatewayConf, renderTemplate } from './services/nginx.js';

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

  test('the production stack runs no development services and takes its secrets from the env file', async () => {
    const compose = await resolved('docker-compose.production.yml');
    const names = Object.keys(compose.services);
    for (const dev of ['mock-upstream', 'fake-payments', 'mail-catcher', 'grafana']) assert.ok(!names.includes(dev), `${dev} is not in production`);
    for (const service of Object.values<any>(compose.services)) {
      assert.equal(service.restart, 'unless-stopped');
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

  test("the production env example satisfies the backend's configuration schema once its placeholders are replaced, and not before", () => {
    const env = readEnvFile(ENV_EXAMPLE);
    // As shipped, production refuses to start on the placeholders, naming each variable.
    assert.throws(
      () => loadConfig(env),
      (err: unknown) => {
        const text = (err as Error).message;
        for (const name of ['KEY_PEPPER', 'ADMIN_TOKEN', 'DATABASE_URL', 'UPSTREAM_API_KEY', 'STRIPE_SECRET_KEY', 'EPAY_KEY'])
          assert.match(text, new RegExp(`${name}: still holds a placeholder`));
        return true;
      },
    );
    const filled = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/change[-_]?me/gi, 'filled-in-0123456789abcdef')]));
    const config = loadConfig(filled);
    assert.equal(config.env, 'production');
    assert.equal(config.logLevel, 'warn');
    assert.ok(config.payments.stripe && config.payments.epay, 'both payment providers are configured in the example');
    // The connection budget the example describes fits its max_connections.
    const need = config.cluster.backendReplicas * config.cluster.workers * config.db.poolMax + config.db.reservedConnections;
    assert.ok(need <= Number(env.PG_MAX_CONNECTIONS), `${need} connections fit PG_MAX_CONNECTIONS`);
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
      // (deploy/nginx/docker-entrypoint.d/40-follow-backends.sh) writes, nginx -t passes too.
      for (const file of ['docker-compose.yml', 'docker-compose.production.yml']) {
        const e = (await resolved(file)).services.nginx.environment;
        const rendered = renderTemplate(readFileSync(path.join(DEPLOY_DIR, DEPLOY_FILES.nginxTemplate), 'utf8'), e);
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
