import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The Swarm stack file, made from the compose files (the production file plus
 * compose/docker-compose.swarm.yml): one source of services. `docker compose config`
 * merges and interpolates them; what Swarm cannot take is then made Swarm's own:
 * - the services the overlay lists under `x-swarm-drop` go (what its members replace);
 * - a read-only bind mount of a file or folder of the repository becomes Swarm configs
 *   (named by content, so that a changed file rolls the services that mount it), so the
 *   nodes need no checkout of the repository;
 * - ports are published on each node (`mode: host`): no routing mesh, which needs IPVS;
 * - networks become overlay networks (their subnets kept); volumes and networks only the
 *   dropped services used go;
 * - `tmpfs` paths become tmpfs mounts (the list form is ignored by `docker stack deploy`);
 * - what `docker stack deploy` ignores or refuses goes (build, restart, the health-ordered
 *   depends_on: Swarm restarts a task until what it needs is there).
 */
export type RenderOptions = {
  /** Compose files, the production file first. */
  files: string[];
  /** The environment the files are interpolated with (GATEWAY_SECRETS_DIR, .env values…). */
  env: NodeJS.ProcessEnv;
  /** The stack's name: config names start with it. */
  stack: string;
  /** The folder under which bind mounts become configs (the repository). */
  root: string;
};

type Service = Record<string, unknown> & {
  volumes?: Array<string | { type: string; source: string; target: string; read_only?: boolean }>;
  ports?: Array<string | { target: number; published?: number; protocol?: string }>;
  configs?: Array<{ source: string; target: string; mode?: number }>;
};

type Compose = {
  services: Record<string, Service>;
  networks?: Record<string, unknown>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  configs?: Record<string, { file: string }>;
};

/** Keys of a service that `docker stack deploy` ignores or refuses. */
const UNSUPPORTED = ['build', 'restart', 'depends_on', 'container_name', 'shm_size', 'profiles', 'links'];

export function renderStack(options: RenderOptions): string {
  const merged = parse(composeConfig(options)) as Compose;
  const drop = new Set(options.files.flatMap((file) => (parse(readFileSync(file, 'utf8')) as { 'x-swarm-drop'?: string[] })['x-swarm-drop'] ?? []));
  const configs: NonNullable<Compose['configs']> = {};
  for (const name of Object.keys(merged.services)) {
    if (drop.has(name)) {
      delete merged.services[name];
      continue;
    }
    const service = merged.services[name]!;
    for (const key of UNSUPPORTED) delete service[key];
    mountsToConfigs(service, configs, options);
    tmpfsAsMounts(service);
    if (service.ports) service.ports = service.ports.map(hostPort);
    cpusAsText(service);
  }
  // Overlay networks across the nodes, with the production file's subnets (TRUSTED_PROXIES
  // names the edge's); attachable, so that an operator can run a one-off container on them.
  for (const network of Object.values(merged.networks ?? {}) as Array<Record<string, unknown>>) {
    if (network.external) continue;
    network.driver = 'overlay';
    network.attachable = true;
  }
  pruneUnused(merged);
  const stack = {
    version: '3.8',
    services: merged.services,
    networks: merged.networks,
    volumes: merged.volumes,
    secrets: merged.secrets,
    configs,
  };
  return `# Rendered by \`npm run swarm -- render\` from ${options.files.map((f) => path.relative(options.root, f)).join(' + ')}: do not edit.\n${stringify(stack, { lineWidth: 0 })}`;
}

function composeConfig({ files, env }: RenderOptions): string {
  const args = [...files.flatMap((file) => ['-f', file]), 'config'];
  // Compose v2 (the docker plugin) where it is installed, else the standalone docker-compose.
  const run = (command: string, commandArgs: string[]) =>
    execFileSync(command, commandArgs, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
  let plugin = true;
  try {
    run('docker', ['compose', 'version']);
  } catch {
    plugin = false;
  }
  try {
    return plugin ? run('docker', ['compose', ...args]) : run('docker-compose', args);
  } catch (err) {
    throw new Error(`compose config failed: ${(err as { stderr?: string }).stderr || (err as Error).message}`);
  }
}

/** Read-only bind mounts of the repository's files become Swarm configs. */
function mountsToConfigs(service: Service, configs: NonNullable<Compose['configs']>, { stack, root }: RenderOptions) {
  if (!service.volumes) return;
  const kept: NonNullable<Service['volumes']> = [];
  for (const volume of service.volumes) {
    const mount = typeof volume === 'string' ? parseShortMount(volume) : volume;
    const inside = mount.type === 'bind' && mount.read_only && !path.relative(root, mount.source).startsWith('..');
    if (!inside) {
      kept.push(volume);
      continue;
    }
    for (const file of filesUnder(mount.source)) {
      const content = readFileSync(file);
      const hash = createHash('sha256').update(content).digest('hex').slice(0, 10);
      const name = `${stack}-${path.basename(file).replace(/[^A-Za-z0-9_.-]/g, '_')}-${hash}`.slice(0, 64);
      configs[name] = { file };
      const target = path.posix.join(mount.target, path.relative(mount.source, file).split(path.sep).join('/'));
      const executable = (statSync(file).mode & 0o111) !== 0 || file.endsWith('.sh');
      (service.configs ??= []).push({ source: name, target, mode: executable ? 0o555 : 0o444 });
    }
  }
  service.volumes = kept.length ? kept : undefined;
  if (!service.volumes) delete service.volumes;
}

function parseShortMount(text: string) {
  const [source = '', target = '', mode = 'rw'] = text.split(':');
  const bind = source.startsWith('/') || source.startsWith('.');
  return { type: bind ? 'bind' : 'volume', source, target, read_only: mode.split(',').includes('ro') };
}

/** A folder that does not exist (compose/tls before it is made) mounts nothing. */
function filesUnder(source: string): string[] {
  if (!existsSync(source)) return [];
  if (!statSync(source).isDirectory()) return [source];
  return readdirSync(source, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Volumes and networks that only dropped services used (an external one would have to exist). */
function pruneUnused(merged: Compose) {
  const services = Object.values(merged.services);
  const volumes = new Set(
    services.flatMap((s) => (s.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[0]! : v.type === 'volume' ? v.source : ''))),
  );
  const networks = new Set(
    services.flatMap((s) =>
      Object.keys((s.networks as Record<string, unknown> | string[] | undefined) ?? {}).concat(Array.isArray(s.networks) ? s.networks : []),
    ),
  );
  for (const name of Object.keys(merged.volumes ?? {})) if (!volumes.has(name)) delete merged.volumes![name];
  for (const name of Object.keys(merged.networks ?? {})) if (!networks.has(name)) delete merged.networks![name];
}

/** `docker stack deploy` ignores a service's `tmpfs` list; tmpfs mounts it applies. */
function tmpfsAsMounts(service: Service) {
  const tmpfs = service.tmpfs as string[] | string | undefined;
  if (!tmpfs) return;
  delete service.tmpfs;
  for (const target of [tmpfs].flat()) (service.volumes ??= []).push({ type: 'tmpfs', target } as never);
}

/** The stack file wants CPU limits as strings; compose config writes numbers. */
function cpusAsText(service: Service) {
  const resources = (service.deploy as { resources?: Record<string, { cpus?: unknown }> } | undefined)?.resources;
  for (const bound of Object.values(resources ?? {})) if (bound.cpus !== undefined) bound.cpus = String(bound.cpus);
}

/** "127.0.0.1:12322:12322" → published on each node's own interfaces, no routing mesh. */
function hostPort(port: NonNullable<Service['ports']>[number]) {
  if (typeof port !== 'string') return { ...port, mode: 'host' };
  const [spec = '', protocol = 'tcp'] = port.split('/');
  const parts = spec.split(':');
  const target = Number(parts.at(-1));
  const published = parts.length > 1 ? Number(parts.at(-2)) : target;
  return { target, published, protocol, mode: 'host' };
}
