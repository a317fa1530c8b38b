import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createRedis, type Redis } from './redis.js';

const CHANNEL = 'cg:invalidate';

/** 'quota-handover': Redis refuses the quota's writes; every worker hands its share over to Postgres (redis-loss-handover.ts). */
export type InvalidationKind = 'key' | 'user' | 'channel' | 'model' | 'channel-health' | 'quota-handover';
type Handler = (id: string) => void;

/**
 * Cache invalidation across every worker of every replica, over Redis pub/sub. A worker
 * that lost its subscription may have missed messages, so when it reconnects every
 * "resync" handler runs (the caches drop everything they hold).
 */
export function createInvalidationBus({ redis, redisConfig, logger }: { redis: Redis; redisConfig: Config['redis']; logger: Logger }) {
  // A subscribed connection can do nothing else, so it is a second one; publishing uses the main client.
  const subscriber = createRedis(redisConfig, logger, 'subscriber');
  const handlers = new Map<InvalidationKind, Handler[]>();
  const resyncHandlers: Array<() => void> = [];
  let subscribedOnce = false;
  // Bumped by every message: a cache fill that began before an invalidation it may have
  // raced with (a read from a lagging replica) must not be stored.
  let generation = 0;

  subscriber.on('ready', () => {
    generation += 1;
    if (subscribedOnce) for (const resync of resyncHandlers) resync();
    subscribedOnce = true;
  });
  subscriber.subscribe(CHANNEL).catch((err) => logger.error({ err: (err as Error).message }, 'invalidation subscribe failed'));
  subscriber.on('message', (_channel: string, message: string) => {
    const separator = message.indexOf(':');
    const kind = message.slice(0, separator) as InvalidationKind;
    generation += 1;
    for (const handler of handlers.get(kind) ?? []) handler(message.slice(separator + 1));
  });

  return {
    generation: () => generation,
    on(kind: InvalidationKind, handler: Handler) {
      handlers.set(kind, [...(handlers.get(kind) ?? []), handler]);
    },
    onResync(handler: () => void) {
      resyncHandlers.push(handler);
    },
    /** Every worker drops its cached copy of `id` (and this one does too, at once). */
    async publish(kind: InvalidationKind, id: string): Promise<void> {
      generation += 1;
      for (const handler of handlers.get(kind) ?? []) handler(id);
      await redis.publish(CHANNEL, `${kind}:${id}`);
    },
    close() {
      subscriber.disconnect();
    },
  };
}

export type InvalidationBus = ReturnType<typeof createInvalidationBus>;
