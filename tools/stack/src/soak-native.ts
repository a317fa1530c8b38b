import { addSecondChannel, FAST_CHANNEL_HEALTH, killBackend, mockConfig, ready, startDrillStack } from './drill-faults.js';
import type { Fault, SoakTarget, TargetOptions } from './soak-target.js';
import type { FaultKind } from './soak-plan.js';

/** How long the slowed upstreams take to answer. */
const SLOW_UPSTREAM_MS = 4000;

/**
 * The soak's native target: a private stack (2 backends × 2 workers) with a second channel
 * beside the stack's own upstream, both mock upstreams paced so that streams last a while.
 * The stack's supervisor restarts a killed backend, as compose's restart policy would.
 */
export async function startNativeTarget({ dir, streamChunkDelayMs }: TargetOptions): Promise<SoakTarget> {
  const stack = await startDrillStack(dir, FAST_CHANNEL_HEALTH);
  try {
    const second = await addSecondChannel(stack.info, dir);
    const upstreams = [stack.info.upstreamUrl, second.url];
    const pace = { chunkDelayMs: streamChunkDelayMs, latencyMs: 0 };
    for (const url of upstreams) await mockConfig(url, pace);

    const allReady = async () => (await Promise.all(stack.info.backends.map(ready))).every(Boolean);
    /** A service stopped on purpose and started again on its data. */
    const outage = (service: string): Fault => ({
      inject: async () => {
        await stack.stopService(service);
        return service;
      },
      lift: () => stack.startService(service),
      cleared: allReady,
    });

    const faults: Record<FaultKind, Fault> = {
      'kill-backend': {
        inject: async (pick) => {
          const index = Math.floor(pick * stack.info.backends.length);
          const started = Date.now();
          await killBackend(stack, index);
          return `backend-${index + 1} (gone in ${Date.now() - started} ms)`;
        },
        lift: async () => undefined,
        cleared: allReady,
      },
      'restart-redis': outage('redis'),
      'replica-down': outage('postgres-replica'),
      'restart-primary': outage('postgres-primary'),
      'channel-out': {
        inject: async () => {
          second.kill();
          return `channel ${second.name}`;
        },
        lift: async () => {
          await second.restart();
          await mockConfig(second.url, pace);
        },
        cleared: second.closed,
      },
      'slow-upstream': {
        inject: async () => {
          for (const url of upstreams) await mockConfig(url, { latencyMs: SLOW_UPSTREAM_MS });
          return `every upstream ${SLOW_UPSTREAM_MS} ms`;
        },
        lift: async () => {
          for (const url of upstreams) await mockConfig(url, { latencyMs: 0 });
        },
        cleared: async () => true,
      },
    };
    return {
      info: stack.info,
      faults,
      stop: async () => {
        await second.stop();
        await stack.stop();
      },
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
