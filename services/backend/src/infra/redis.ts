import { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export type { Redis };

/**
 * One client per process. Commands time out instead of queueing forever while Redis is
 * away, and the connection state is logged on changes only (not on every retry).
 */
export function createRedis(config: Config['redis'], logger: Logger, name = 'main', options: { failFast?: boolean } = {}): Redis {
  const client = new Redis(config.url, {
    // failFast: while disconnected, commands fail at once (callers have a fallback)
    // instead of waiting in a queue for the reconnect.
    enableOfflineQueue: !options.failFast,
    connectionName: `codex-gateway:${name}`,
    commandTimeout: config.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    // Commands issued in the same tick (settle + usage record of many requests) share one round trip.
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  let down = false;
  client.on('ready', () => {
    if (down) logger.warn({ redis: name }, 'redis connection restored');
    down = false;
  });
  client.on('error', (err) => {
    if (!down) logger.error({ redis: name, err: err.message }, 'redis connection lost');
    down = true;
  });
  return client;
}
