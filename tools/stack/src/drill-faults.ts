import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAdminClient } from './admin-client.js';
import { randomPorts } from './config.js';
import { freePort } from './ports.js';
import type { Service } from './process.js';
import { startMockUpstream } from './services/backends.js';
import { type RunningStack, type StackInfo, startStack } from './stack.js';

/**
 * The failures the drills and the soak cause on a native stack, and the private stack
 * they cause them on.
 */

/** A private cluster on ports of its own: 2 backends × 2 workers, production settings, warn logs. */
export async function startDrillStack(dir: string, env: Record<string, string> = {}): Promise<RunningStack> {
  return startStack({
    dir,
    ports: await randomPorts(2),
    backends: 2,
    workers: 2,
    fresh: true,
    logLevel: 'warn',
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
  });
}

/** Whether a TCP connection to the port is accepted. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether any process of the group is still there (a zombie counts until it is reaped). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILLs backend `index` (its cluster primary and workers); resolves once its port refuses
 * connections and none of its processes is left (the primary, which owns the listening
 * socket, may go before a worker that still holds connections). The stack restarts it.
 */
export async function killBackend(stack: RunningStack, index: number): Promise<void> {
  const victim = stack.services.find((s) => s.name === `backend-${index + 1}`)!;
  process.kill(-victim.pid, 'SIGKILL');
  const { port } = new URL(stack.info.backends[index]!.url);
  while (await accepts(Number(port))) await sleep(1);
  await victim.exited;
  for (const deadline = Date.now() + 5000; groupAlive(victim.pid) && Date.now() < deadline; ) await sleep(1);
}

/** Whether a backend instance answers /readyz: the primary, the replica and Redis all answer it. */
export function ready(backend: { url: string }): Promise<boolean> {
  return fetch(`${backend.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.ok;
    },
    () => false,
  );
}

export { mockConfig } from './mock-control.js';

/** Channel settings under which a dead channel cools quickly and is tried again soon. */
export const FAST_CHANNEL_HEALTH = { CHANNEL_COOLDOWN_MS: '3000', CHANNEL_FAILURE_THRESHOLD: '3', CHANNEL_PROBE_INTERVAL_MS: '2000' };

export interface SecondChannel {
  readonly name: string;
  /** Its mock upstream's URL. */
  readonly url: string;
  /** SIGKILLs its upstream. */
  kill(): void;
  /** Starts its upstream again on the same port. */
  restart(): Promise<void>;
  /** Whether every replica routes to it again (its health is closed). */
  closed(): Promise<boolean>;
  stop(): Promise<void>;
}

/** A second channel beside the stack's own: a mock upstream of its own, added through the admin API at the same priority. */
export async function addSecondChannel(info: StackInfo, logDir: string): Promise<SecondChannel> {
  const name = 'second';
  const port = await freePort();
  let service: Service = (await startMockUpstream({ port, logDir })).service;
  const admin = createAdminClient(info);
  const added = await admin.call('POST', '/channels', { name, base_url: `http://127.0.0.1:${port}/v1`, priority: 0, weight: 1 });
  if (added.status !== 201) throw new Error(`adding the second channel answered ${added.status}: ${JSON.stringify(added.body)}`);
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    kill: () => process.kill(-service.pid, 'SIGKILL'),
    async restart() {
      service = (await startMockUpstream({ port, logDir })).service;
    },
    async closed() {
      const channels = (await admin.call('GET', '/channels')).body as Array<{ name: string; health: { state: string } }>;
      return channels.find((c) => c.name === name)?.health.state === 'closed';
    },
    stop: () => service.stop(),
  };
}
