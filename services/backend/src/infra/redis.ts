import { Redis, ReplyError } from 'ioredis';
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

/**
 * Why Redis cannot take a command right now ('down' when it does not answer; 'oom',
 * 'readonly', 'loading'… when it answers with a refusal of writes), or undefined for an
 * error of the command itself. Callers fall back to Postgres for the first kind.
 */
export function redisUnavailableReason(err: unknown): string | undefined {
  if (!(err instanceof ReplyError)) return 'down';
  const refusal = /^(OOM|READONLY|LOADING|MASTERDOWN|MISCONF|NOREPLICAS|BUSY)\b/.exec((err as Error).message);
  return refusal ? refusal[1]!.toLowerCase() : undefined;
}
