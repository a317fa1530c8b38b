import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from '@codex-gateway/stack/testing';

const run = promisify(execFile);
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const PRODUCTION_FILE = path.join(REPO_ROOT, 'compose/docker-compose.production.yml');
export const DEVELOPMENT_FILE = path.join(REPO_ROOT, 'compose/docker-compose.yml');
export const TEST_OVERLAY = path.join(REPO_ROOT, 'compose/test/docker-compose.test.yml');

/** `docker compose` (v2) where it is installed, else `docker-compose` (1.29): the files are valid for both. */
const COMPOSE: string[] = (() => {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
})();

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** One compose project (its own name, ports, env file and volumes) driven through the compose CLI. */
export interface ComposeProject {
  name: string;
  gatewayUrl: string;
  /** nginx's HTTPS port (served when TLS_CERT_FILE is set). */
  gatewayTlsUrl: string;
  prometheusUrl: string;
  /** The backends' settings (the env file). */
  env: Record<string, string>;
  /** The production file's Docker secrets, by name (the files in GATEWAY_SECRETS_DIR). */
  secrets: Record<string, string>;
  /** The compose CLI's arguments that select this project, and the variables its files read. */
  args: string[];
  vars: Record<string, string>;
  compose(...args: string[]): Promise<string>;
  /** Container ids of a service, running ones only. */
  containers(service: string): Promise<string[]>;
  /** psql on a Postgres service, as the owner role over the socket (peer); rows as arrays of fields. */
  sql(service: 'postgres-primary' | 'postgres-replica', query: string): Promise<string[][]>;
  /** redis-cli in the Redis container, with the stack's password. */
  redis(...args: string[]): Promise<string>;
  /** Waits until nginx routes to a backend on its published port and that backend answers /readyz on its own. */
  ready(timeoutMs: number): Promise<void>;
  /** The backend addresses nginx's follower has written into nginx's upstream. */
  nginxBackends(): Promise<string[]>;
  down(options?: { volumes?: boolean }): Promise<void>;
}

export async function composeProject(options: {
  name: string;
  files: string[];
  /** Backend settings (the production file's env_file); absent for the development file. */
  gatewayEnv?: Record<string, string>;
  /** The production file's Docker secrets, by name. */
  secrets?: Record<string, string>;
  /** The edge and data networks' subnets: stacks that run at once need their own. */
  subnets?: { edge: string; data: string };
  /** Compose-file variables. */
  vars?: Record<string, string>;
}): Promise<ComposeProject> {
  await removeLeftovers();
  const [gatewayPort, tlsPort, prometheusPort, mailPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  const envFile = path.join(dir, 'gateway.env');
  writeFileSync(
    envFile,
    Object.entries(options.gatewayEnv ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  // As compose/make-secrets.sh makes them: a directory only its owner enters, files the containers' users can read.
  const secretsDir = path.join(dir, 'secrets');
  mkdirSync(secretsDir, { mode: 0o700 });
  for (const [name, value] of Object.entries(options.secrets ?? {})) writeFileSync(path.join(secretsDir, name), `${value}\n`, { mode: 0o644 });
  // The files interpolate some backend settings too (PG_*): compose reads them from its environment.
  const env: Record<string, string> = {
    ...options.gatewayEnv,
    GATEWAY_ENV_FILE: envFile,
    GATEWAY_SECRETS_DIR: secretsDir,
    GATEWAY_BIND_ADDRESS: '127.0.0.1',
    GATEWAY_PUBLISH_PORT: String(gatewayPort),
    GATEWAY_TLS_PUBLISH_PORT: String(tlsPort),
    ...(options.subnets ? { GATEWAY_EDGE_SUBNET: options.subnets.edge, GATEWAY_DATA_SUBNET: options.subnets.data } : {}),
    PROMETHEUS_PORT: String(prometheusPort),
    // The development file's mail catcher API (a native stack may hold 12326).
    MAIL_CATCHER_PUBLISH_PORT: String(mailPort),
    ...options.vars,
  };
  const base = ['-p', options.name, ...options.files.flatMap((f) => ['-f', f])];
  const compose = async (...args: string[]) => {
    const { stdout } = await run(COMPOSE[0]!, [...COMPOSE.slice(1), ...base, ...args], {
      env: { ...process.env, ...env, COMPOSE_DOCKER_CLI_BUILD: '0', DOCKER_BUILDKIT: '0' },
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.trim();
  };
  const project: ComposeProject = {
    name: options.name,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    gatewayTlsUrl: `https://127.0.0.1:${tlsPort}`,
    prometheusUrl: `http://127.0.0.1:${prometheusPort}`,
    env: { ...options.gatewayEnv },
    secrets: { ...options.secrets },
    args: base,
    vars: env,
    compose,
    async containers(service) {
      const ids = await docker(
        'ps',
        '-q',
        '--no-trunc',
        '--filter',
        `label=com.docker.compose.project=${options.name}`,
        '--filter',
        `label=com.docker.compose.service=${service}`,
      );
      return ids ? ids.split('\n') : [];
    },
    async sql(service, query) {
      const [id] = await project.containers(service);
      if (!id) throw new Error(`${service} is not running`);
      // The container runs as postgres, which pg_ident.conf maps to the owner on the socket.
      const out = await docker('exec', id, 'psql', '-U', 'gateway', '-d', 'codex_gateway', '-v', 'ON_ERROR_STOP=1', '-tA', '-F', '\t', '-c', query);
      return out ? out.split('\n').map((line) => line.split('\t')) : [];
    },
    async redis(...args) {
      const [id] = await project.containers('redis');
      if (!id) throw new Error('redis is not running');
      const auth = 'REDISCLI_AUTH="${REDIS_PASSWORD:-$(cat /run/secrets/redis_password)}" exec redis-cli "$@"';
      return docker('exec', id, 'sh', '-c', auth, 'redis-cli', ...args);
    },
    ready: (timeoutMs) =>
      waitFor(
        `${options.name} ready through nginx`,
        async () => {
          // /readyz is not served on the public port: nginx answers for a backend, and each backend for itself.
          const res = await fetch(`${project.gatewayUrl}/healthz`, { signal: AbortSignal.timeout(3000) });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`healthz through nginx ${res.status}`);
          for (const address of await addresses(project, 'backend')) {
            // A timer that holds the event loop open (AbortSignal.timeout's does not) while the answer is awaited.
            const abort = new AbortController();
            const timer = setTimeout(() => abort.abort(), 3000);
            try {
              const ready = await fetch(`http://${address}:12401/readyz`, { signal: abort.signal });
              if (ready.status !== 200) throw new Error(`readyz of ${address}: ${ready.status}`);
            } finally {
              clearTimeout(timer);
            }
          }
        },
        timeoutMs,
        1000,
      ),
    async nginxBackends() {
      const [id] = await project.containers('nginx');
      if (!id) return [];
      const list = await docker('exec', id, 'cat', '/etc/nginx/backends.inc');
      return [...list.matchAll(/server (\S+):\d+/g)].map((m) => m[1]!).sort();
    },
    async down({ volumes = false } = {}) {
      await compose('down', '--remove-orphans', '-t', '40', ...(volumes ? ['-v'] : []));
    },
  };
  return project;
}

/** The test files name their projects `cg<kind><pid>`. */
const TEST_PROJECT = /^cg[a-z]+(\d+)$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what earlier test runs left behind (a run that was killed, or KEEP_COMPOSE): the
 * containers, networks and volumes of every test project whose process has gone. The files
 * give their networks fixed subnets, so a leftover network would make the next `up` fail
 * with "Pool overlaps with other one on this address space".
 */
export async function removeLeftovers(): Promise<void> {
  const label = '{{.Label "com.docker.compose.project"}}';
  const [containers, networks, volumes, images] = await Promise.all([
    docker('ps', '-a', '--filter', 'label=com.docker.compose.project', '--format', `{{.ID}} ${label}`),
    docker('network', 'ls', '--filter', 'label=com.docker.compose.project', '--format', `{{.ID}} ${label}`),
    docker('volume', 'ls', '--filter', 'label=com.docker.compose.project', '--format', `{{.Name}} ${label}`),
    // What the development file builds is named `<project>_<service>`.
    docker('images', '--format', '{{.Repository}}:{{.Tag}}').then((list) =>
      list
        .split('\n')
        .map((image) => `${image} ${image.split('_')[0]}`)
        .join('\n'),
    ),
  ]);
  const stale = (listing: string) =>
    listing
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, project]) => {
        const pid = TEST_PROJECT.exec(project ?? '')?.[1];
        return pid !== undefined && !alive(Number(pid));
      });
  const [oldContainers, oldNetworks, oldVolumes, oldImages] = [stale(containers), stale(networks), stale(volumes), stale(images)];
  const projects = new Set([...oldContainers, ...oldNetworks, ...oldVolumes, ...oldImages].map(([, project]) => project));
  if (!projects.size) return;
  console.log(`# removing what earlier test runs left: ${[...projects].join(' ')}`);
  if (oldContainers.length) await docker('rm', '-f', '-v', ...oldContainers.map(([id]) => id!));
  if (oldNetworks.length) await docker('network', 'rm', ...oldNetworks.map(([id]) => id!));
  if (oldVolumes.length) await docker('volume', 'rm', '-f', ...oldVolumes.map(([name]) => name!));
  if (oldImages.length) await docker('rmi', ...oldImages.map(([image]) => image!));
}

/** The addresses of a service's running containers on one of the project's networks (the edge, where nginx and Prometheus meet the backends), sorted. */
export async function addresses(project: ComposeProject, service: string, network = 'edge'): Promise<string[]> {
  const ids = await project.containers(service);
  if (!ids.length) return [];
  const out = await docker('inspect', '-f', `{{with index .NetworkSettings.Networks "${project.name}_${network}"}}{{.IPAddress}}{{end}}`, ...ids);
  return out.split(/\s+/).filter(Boolean).sort();
}

/** Builds a one-line image FROM another under a new tag: a new image id, as a release would have. */
export async function retag(from: string, tag: string): Promise<string> {
  const child = execFile('docker', ['build', '-q', '-t', tag, '--label', `release=${Date.now()}`, '-']);
  child.stdin?.end(`FROM ${from}\n`);
  await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`docker build exited ${code}`)))));
  return docker('image', 'inspect', '-f', '{{.Id}}', tag);
}

/**
 * Runs one step of a test with a deadline that names it: a step that never settles fails
 * the test with its name, instead of holding it until the file's timeout. Logs how long it took.
 */
export async function step<T>(name: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: not done in ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const result = await Promise.race([work(), deadline]);
    console.log(`# ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Holds the event loop open for a whole test file. A fetch waiting on a kept-alive socket that
 * undici's pool has unref'd can leave a test awaiting with no handle open, and node:test then
 * cancels it ("Promise resolution is still pending but the event loop has already resolved"),
 * as it did here on the development stack. Answers the release.
 */
export function holdEventLoop(): () => void {
  const timer = setInterval(() => undefined, 60_000);
  return () => clearInterval(timer);
}

async function answersHealthz(address: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${address}:12401/healthz`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Waits until nginx routes to exactly the `expected` running backends, and measures how
 * far nginx lagged behind them: for each backend that joined, from its first 200 on
 * /healthz to nginx routing to it. Returns the largest lag in ms (0 when none joined).
 */
export async function nginxFollows(project: ComposeProject, expected: number, timeoutMs = 120_000): Promise<number> {
  const healthySince = new Map<string, number>();
  const lags: number[] = [];
  const started = Date.now();
  for (;;) {
    const [running, routed] = await Promise.all([addresses(project, 'backend'), project.nginxBackends()]);
    const now = Date.now();
    for (const address of running.filter((a) => !routed.includes(a))) {
      if (!healthySince.has(address) && (await answersHealthz(address))) healthySince.set(address, now);
    }
    for (const [address, since] of healthySince) {
      if (routed.includes(address)) {
        lags.push(now - since);
        healthySince.delete(address);
      }
    }
    if (running.length === expected && routed.join() === running.join()) return Math.max(0, ...lags);
    if (now - started > timeoutMs) throw new Error(`nginx did not follow: running ${running.join(' ')}; nginx ${routed.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function containerHealth(id: string): Promise<string> {
  return docker('inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', id);
}
