import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';

const KEY = 'cg:instances';
const EVERY_MS = 5000;
/** An instance not heard from this long is shown as stale; after an hour it is forgotten. */
export const STALE_MS = 15_000;
const FORGET_MS = 3_600_000;

export interface InstanceBeat {
  instance: string;
  workers: number;
  draining: boolean;
  started_at: string;
  seen_at: string;
}

/**
 * Each worker says every few seconds that its instance is alive (one hash field per
 * instance, so the workers of one instance share it): the operator overview lists the
 * cluster's backends from Redis, whichever replica answers.
 */
export function startHeartbeat({
  redis,
  instanceId,
  workers,
  isDraining,
  logger,
}: {
  redis: Redis;
  instanceId: string;
  workers: number;
  isDraining: () => boolean;
  logger: Logger;
}) {
  const startedAt = new Date().toISOString();
  const beat = () => {
    const value: InstanceBeat = { instance: instanceId, workers, draining: isDraining(), started_at: startedAt, seen_at: new Date().toISOString() };
    redis.hset(KEY, instanceId, JSON.stringify(value)).catch((err) => logger.debug({ err: (err as Error).message }, 'heartbeat not written'));
  };
  // The first beat as soon as Redis is there (a worker starts before its connection is up).
  if (redis.status === 'ready') beat();
  else redis.once('ready', beat);
  const timer = setInterval(beat, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Every instance heard from in the last hour, newest first; older entries are removed. */
export async function readInstances(redis: Redis): Promise<Array<InstanceBeat & { state: 'up' | 'draining' | 'stale' }>> {
  const all = await redis.hgetall(KEY);
  const now = Date.now();
  const out = [];
  for (const [field, raw] of Object.entries(all)) {
    const beat = JSON.parse(raw) as InstanceBeat;
    const age = now - Date.parse(beat.seen_at);
    if (age > FORGET_MS) {
      await redis.hdel(KEY, field);
      continue;
    }
    out.push({ ...beat, state: age > STALE_MS ? ('stale' as const) : beat.draining ? ('draining' as const) : ('up' as const) });
  }
  return out.sort((a, b) => a.instance.localeCompare(b.instance));
}
