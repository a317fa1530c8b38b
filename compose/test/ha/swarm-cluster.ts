import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderStack } from '@codex-gateway/stack/swarm';
import { waitFor } from '@codex-gateway/stack/testing';
import { alive, docker, PRODUCTION_FILE, REPO_ROOT } from '../compose-project.js';

/**
 * A Docker Swarm of three engines on this machine, for the HA test: each engine is a
 * container running its own dockerd (compose/test/stand-ins/engine), on a network of the
 * test's own; node1 is the manager, node2 and node3 workers. The stack is rendered from the
 * compose files (`npm run swarm -- render`) and deployed with `docker stack deploy`.
 */
const run = promisify(execFile);

export const SWARM_FILE = path.join(REPO_ROOT, 'compose/docker-compose.swarm.yml');
const ENGINE_IMAGE = 'codex-gateway-test/engine:latest';
/** Engines of test runs are labelled with the test's pid, so a crashed run's are found. */
const RUN_LABEL = 'codex-gateway.ha-run';
const REGISTRIES = ['registry-1.docker.io', 'auth.docker.io', 'index.docker.io', 'quay.io'];

export interface SwarmNode {
  name: string;
  container: string;
  ip: string;
}

export interface TaskInfo {
  node: string;
  container: string;
  state: string;
}

export type SwarmCluster = Awaited<ReturnType<typeof startSwarm>>;

/** `docker` against one engine of the swarm (its API on the nodes' network). */
async function on(node: SwarmNode, ...args: string[]): Promise<string> {
  const { stdout } = await run('docker', ['-H', `tcp://${node.ip}:2375`, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

export async function startSwarm(options: { name: string; subnet: string; images: string[] }) {
  await removeLeftoverEngines();
  const prefix = options.subnet.replace(/\.0\/24$/, '');
  const network = options.name;
  await docker('network', 'create', '--subnet', options.subnet, '--label', `${RUN_LABEL}=${process.pid}`, network);
  const nodes: SwarmNode[] = [1, 2, 3].map((n) => ({ name: `node${n}`, container: `${options.name}-node${n}`, ip: `${prefix}.${10 + n}` }));
  // Not --privileged: this machine withholds CAP_SYS_RESOURCE, which --privileged asks for.
  await Promise.all(
    nodes.map((node) =>
      docker(
        'run',
        '-d',
        '--name',
        node.container,
        '--hostname',
        node.name,
        '--label',
        `${RUN_LABEL}=${process.pid}`,
        '--network',
        network,
        '--ip',
        node.ip,
        '--cap-add',
        'ALL',
        '--cap-drop',
        'SYS_RESOURCE',
        '--security-opt',
        'seccomp=unconfined',
        '--security-opt',
        'apparmor=unconfined',
        '--security-opt',
        'systempaths=unconfined',
        '--tmpfs',
        '/run',
        // No registry is reachable: a pull fails at once instead of waiting on DNS.
        ...REGISTRIES.flatMap((host) => ['--add-host', `${host}:127.0.0.1`]),
        ENGINE_IMAGE,
      ),
    ),
  );
  for (const node of nodes) await waitFor(`${node.name}'s engine`, () => on(node, 'info', '--format', '{{.ServerVersion}}'), 60_000, 500);

  // Every image the stack names, into every engine (no registry: docker save | docker load).
  const dir = mkdtempSync(path.join(os.tmpdir(), `${options.name}-`));
  const archive = path.join(dir, 'images.tar');
  await run('docker', ['save', '-o', archive, ...options.images]);
  await Promise.all(nodes.map((node) => on(node, 'load', '-q', '-i', archive)));

  const [manager, ...workers] = nodes as [SwarmNode, SwarmNode, SwarmNode];
  await on(manager, 'swarm', 'init', '--advertise-addr', manager.ip);
  const token = await on(manager, 'swarm', 'join-token', '-q', 'worker');
  await Promise.all(workers.map((node) => on(node, 'swarm', 'join', '--token', token, `${manager.ip}:2377`)));
  // One etcd and one Redis member per node; a Patroni member and a Sentinel on each.
  for (const [i, node] of nodes.entries()) {
    await on(
      manager,
      'node',
      'update',
      '--label-add',
      `gateway.etcd=${i + 1}`,
      '--label-add',
      `gateway.redis=${i + 1}`,
      '--label-add',
      'gateway.postgres=true',
      '--label-add',
      'gateway.sentinel=true',
      node.name,
    );
  }

  const cluster = {
    nodes,
    manager,
    dir,
    on,
    gatewayUrl: (node: SwarmNode = manager) => `http://${node.ip}:12322`,
    /** Renders the stack from the compose files and deploys it as `stack`. */
    async deploy(stack: string, files: string[], env: Record<string, string>) {
      const text = renderStack({ files: [PRODUCTION_FILE, SWARM_FILE, ...files], env: { ...process.env, ...env }, stack, root: REPO_ROOT });
      const file = path.join(dir, 'stack.yml');
      writeFileSync(file, text);
      await run('docker', ['-H', `tcp://${manager.ip}:2375`, 'stack', 'deploy', '--resolve-image', 'never', '-c', file, stack], {
        env: { ...process.env, ...env },
      });
      return file;
    },
    /** The running tasks of a service, with the node and container of each. */
    async tasks(service: string): Promise<TaskInfo[]> {
      const out = await on(
        manager,
        'service',
        'ps',
        service,
        '--filter',
        'desired-state=running',
        '--format',
        '{{.ID}} {{.Node}} {{.CurrentState}}',
        '--no-trunc',
      );
      const rows = out ? out.split('\n').map((line) => line.split(' ')) : [];
      const tasks: TaskInfo[] = [];
      for (const [id, nodeName, state] of rows) {
        const node = nodes.find((n) => n.name === nodeName);
        if (!node || !id) continue;
        const container = await on(manager, 'inspect', '-f', '{{.Status.ContainerStatus.ContainerID}}', id).catch(() => '');
        tasks.push({ node: nodeName!, container, state: state ?? '' });
      }
      return tasks;
    },
    /** Runs a command in a running container of a service (on `nodeName` if given). */
    async exec(service: string, command: string[], nodeName?: string): Promise<string> {
      const candidates = (await cluster.tasks(service)).filter((t) => t.state === 'Running' && t.container && (!nodeName || t.node === nodeName));
      const task = candidates[0];
      if (!task) throw new Error(`no running task of ${service}${nodeName ? ` on ${nodeName}` : ''}`);
      return on(nodes.find((n) => n.name === task.node)!, 'exec', task.container, ...command);
    },
    /** Stops (kills) a whole engine: its containers stop with it. */
    async stopNode(node: SwarmNode) {
      await docker('kill', node.container);
    },
    async startNode(node: SwarmNode) {
      await docker('start', node.container);
    },
    async down() {
      await docker('rm', '-f', '-v', ...nodes.map((n) => n.container)).catch(() => '');
      await docker('network', 'rm', network).catch(() => '');
    },
  };
  return cluster;
}

/** Engines and networks of HA test runs whose process has gone (a crashed run, or KEEP_COMPOSE). */
export async function removeLeftoverEngines(): Promise<void> {
  const stale = async (kind: 'ps' | 'network') => {
    const args = kind === 'ps' ? ['ps', '-a'] : ['network', 'ls'];
    const out = await docker(...args, '--filter', `label=${RUN_LABEL}`, '--format', `{{.ID}} {{.Label "${RUN_LABEL}"}}`);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter(([, pid]) => !alive(Number(pid)))
      .map(([id]) => id!);
  };
  const containers = await stale('ps');
  if (containers.length) {
    console.log(`# removing ${containers.length} engine(s) an earlier HA run left`);
    await docker('rm', '-f', '-v', ...containers);
  }
  const networks = await stale('network');
  if (networks.length) await docker('network', 'rm', ...networks);
}

/** Docker secrets as files (compose/make-secrets.sh's layout), and the backends' env file. */
export function stackFiles(dir: string, secrets: Record<string, string>, gatewayEnv: Record<string, string>) {
  const secretsDir = path.join(dir, 'secrets');
  mkdirSync(secretsDir, { mode: 0o700, recursive: true });
  for (const [name, value] of Object.entries(secrets)) writeFileSync(path.join(secretsDir, name), `${value}\n`, { mode: 0o644 });
  const envFile = path.join(dir, 'gateway.env');
  writeFileSync(
    envFile,
    Object.entries(gatewayEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  return { GATEWAY_SECRETS_DIR: secretsDir, GATEWAY_ENV_FILE: envFile };
}

/** A child process's output as it comes, for long steps worth watching. */
export function streamed(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}
