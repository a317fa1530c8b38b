import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, writeSync } from 'node:fs';
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
  /** The production file's Alertmanager, published on 127.0.0.1. */
  alertmanagerUrl: string;
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
  /**
   * Takes the stack down (its volumes too with `volumes`, the external backup volume the
   * production file needs among them) and stops guarding it. Does nothing under KEEP_COMPOSE.
   */
  down(options?: { volumes?: boolean }): Promise<void>;
}

export async function composeProject(options: {
  name: string;
  files: string[];
  /** Backend settings (the production file's env_file); absent for the development file. */
  gatewayEnv?: Record<string, string>;
  /** The production file's Docker secrets, by name. */
  secrets?: Record<string, string>;
  /** The edge, data (and offsite) networks' subnets: stacks that run at once need their own. */
  subnets?: { edge: string; data: string; offsite?: string };
  /** Compose-file variables. */
  vars?: Record<string, string>;
  /** `down` also removes the images compose built under the project's name (the development file names none). */
  removeImages?: boolean;
}): Promise<ComposeProject> {
  await removeLeftovers();
  guardProcess();
  const [gatewayPort, tlsPort, prometheusPort, mailPort, alertmanagerPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
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
    ...(options.subnets
      ? { GATEWAY_EDGE_SUBNET: options.subnets.edge, GATEWAY_DATA_SUBNET: options.subnets.data, GATEWAY_OFFSITE_SUBNET: options.subnets.offsite ?? '' }
      : {}),
    // The production file's local backup repository is a volume made outside compose (so that
    // `down -v` keeps it): one per test project, labelled for removeLeftovers().
    GATEWAY_BACKUP_VOLUME: `${options.name}-pg-backups`,
    PROMETHEUS_PORT: String(prometheusPort),
    ALERTMANAGER_PORT: String(alertmanagerPort),
    // The development file's mail catcher API (a native stack may hold 12326).
    MAIL_CATCHER_PUBLISH_PORT: String(mailPort),
    ...options.vars,
  };
  const base = ['-p', options.name, ...options.files.flatMap((f) => ['-f', f])];
  const composeEnv = { ...process.env, ...env, COMPOSE_DOCKER_CLI_BUILD: '0', DOCKER_BUILDKIT: '0' };
  const compose = async (...args: string[]) => {
    const { stdout } = await run(COMPOSE[0]!, [...COMPOSE.slice(1), ...base, ...args], { env: composeEnv, cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    return stdout.trim();
  };
  const downArgs = (volumes: boolean) => [
    'down',
    '--remove-orphans',
    '-t',
    '10',
    ...(volumes ? ['-v'] : []),
    ...(options.removeImages ? ['--rmi', 'local'] : []),
  ];
  const backupVolume = options.files.includes(PRODUCTION_FILE) ? env.GATEWAY_BACKUP_VOLUME! : undefined;
  if (backupVolume) await docker('volume', 'create', '--label', `${TEST_VOLUME_LABEL}=${options.name}`, backupVolume);
  // From here on the project is taken down whatever happens to this process (guardProcess).
  live.set(options.name, () => {
    // No output: the test runner that read ours may be gone (a signal to the process group).
    execFileSync(COMPOSE[0]!, [...COMPOSE.slice(1), ...base, ...downArgs(true)], { env: composeEnv, cwd: REPO_ROOT, stdio: 'ignore', timeout: 180_000 });
    if (backupVolume) execFileSync('docker', ['volume', 'rm', '-f', backupVolume], { stdio: 'ignore' });
  });
  const project: ComposeProject = {
    name: options.name,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    gatewayTlsUrl: `https://127.0.0.1:${tlsPort}`,
    prometheusUrl: `http://127.0.0.1:${prometheusPort}`,
    alertmanagerUrl: `http://127.0.0.1:${alertmanagerPort}`,
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
          const { status } = await fetchWithin(`${project.gatewayUrl}/healthz`, 3000);
          if (status !== 200) throw new Error(`healthz through nginx ${status}`);
          for (const address of await addresses(project, 'backend')) {
            const ready = await fetchWithin(`http://${address}:12401/readyz`, 3000);
            if (ready.status !== 200) throw new Error(`readyz of ${address}: ${ready.status}`);
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
      if (process.env.KEEP_COMPOSE) return void console.log(`# left running: ${options.name}`);
      await compose(...downArgs(volumes));
      if (!volumes) return; // its volumes are still there: still taken down at exit
      if (backupVolume) await docker('volume', 'rm', '-f', backupVolume);
      live.delete(options.name);
    },
  };
  return project;
}

/** The test files name their projects `cg<kind><pid>`. */
const TEST_PROJECT = /^cg[a-z]+(\d+)$/;
/** The label of the volumes the tests make outside compose (the production file's external backup volume): the project's name. */
const TEST_VOLUME_LABEL = 'codex-gateway.test-project';

/** Projects this process made and has not taken down yet, each with a synchronous `down -v`. */
const live = new Map<string, () => void>();
let guarded = false;

/**
 * Takes every live project down when this process ends, however it ends: the event loop
 * emptied with a test still awaiting (node:test then exits without the file's after hooks),
 * an uncaught exception (node runs 'exit' handlers before it dies), SIGINT, SIGTERM or
 * SIGHUP (whose default action would skip them). Synchronously: an 'exit' handler can run
 * nothing else. KEEP_COMPOSE leaves them running, as the tests' own down does.
 */
function guardProcess(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', takeDownLive);
  // Kept installed (not once): the same signal often comes again (the group's, then one
  // relayed by tsx and by the test runner), and with no listener left it would kill this
  // process in the middle of its down.
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      note(`# ${signal}: taking the compose stacks down`);
      takeDownLive();
      process.exit(128 + (os.constants.signals[signal] ?? 0));
    });
  }
}

/** A line on stderr, if anyone still reads it: after a signal to the process group the test runner that did may be gone (EPIPE). */
function note(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // nobody to tell
  }
}

function takeDownLive(): void {
  for (const [name, down] of live) {
    live.delete(name);
    if (process.env.KEEP_COMPOSE) {
      note(`# left running: ${name}`);
      continue;
    }
    try {
      down();
      note(`# took down ${name}, which the test had left up`);
    } catch (err) {
      note(`# could not take ${name} down (the next run removes it): ${(err as Error).message}`);
    }
  }
}

/** Whether a test run's process is still there (its leftovers are not yet leftovers). */
export function alive(pid: number): boolean {
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
    // Compose's own volumes, and the external backup volumes the tests make (TEST_VOLUME_LABEL).
    Promise.all([
      docker('volume', 'ls', '--filter', 'label=com.docker.compose.project', '--format', `{{.Name}} ${label}`),
      docker('volume', 'ls', '--filter', `label=${TEST_VOLUME_LABEL}`, '--format', `{{.Name}} {{.Label "${TEST_VOLUME_LABEL}"}}`),
    ]).then((lists) => lists.filter(Boolean).join('\n')),
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
  const child = spawn('docker', ['build', '-q', '-t', tag, '--label', `release=${Date.now()}`, '-'], { stdio: ['pipe', 'ignore', 'inherit'] });
  // 'close' comes after 'exit' and after 'error' (a docker that cannot be started), which 'exit' alone never would.
  const closed = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker build exited ${code}`))));
  });
  child.stdin.on('error', () => undefined); // EPIPE when docker is gone: 'close' says so
  child.stdin.end(`FROM ${from}\n`);
  await closed;
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
 * A GET whose whole answer (headers and body) must arrive within `ms`, on a timer that holds
 * the event loop open while it waits. AbortSignal.timeout() does not: its timer is unref'd,
 * so an await on it is kept alive only by the socket, and node:test cancels a test whose
 * await has nothing else holding the loop ("Promise resolution is still pending but the
 * event loop has already resolved"), without running what the file does after it.
 */
export async function fetchWithin(url: string, ms: number, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`${init.method ?? 'GET'} ${url}: no answer in ${ms} ms`)), ms);
  try {
    const res = await fetch(url, { ...init, signal: abort.signal });
    return { status: res.status, body: await res.text() };
  } finally {
    clearTimeout(timer);
  }
}

async function answersHealthz(address: string): Promise<boolean> {
  try {
    return (await fetchWithin(`http://${address}:12401/healthz`, 1000)).status === 200;
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
