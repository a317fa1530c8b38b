import { Redis, type RedisOptions, ReplyError } from 'ioredis';
import type { RedisConfig } from './config.js';
import type { Logger } from './logger.js';

export type { Redis };

/** Emitted by a client of createRedis when it reconnected to another master than before (Sentinel's failover). */
export const MASTER_SWITCH = 'master-switch';

export interface RedisClientOptions {
  /** While disconnected, commands fail at once (callers have a fallback) instead of waiting in a queue for the reconnect. */
  failFast?: boolean;
  /** One attempt, no reconnect, connected by the caller (`connect()`): for commands that run once. */
  once?: boolean;
}

/** The sentinels' part of a client's options: it asks them for the master, and follows every failover. */
function sentinelOptions(config: RedisConfig, once: boolean): RedisOptions {
  const s = config.sentinel!;
  return {
    sentinels: s.sentinels.map(({ host, port }) => ({ host, port })),
    name: s.masterName,
    role: 'master',
    password: s.password,
    sentinelPassword: s.sentinelPassword,
    // Every client hears the sentinels' +switch-master and reconnects to the new master at
    // once, also when the old one is still alive (a manual failover).
    failoverDetector: !once,
    // A command that runs once fails when no sentinel answers, instead of asking them forever.
    sentinelRetryStrategy: once ? () => null : (attempt) => Math.min(attempt * 100, 1000),
    sentinelCommandTimeout: config.commandTimeoutMs,
  };
}

/**
 * Every Redis client of the backend is made here (main, pub/sub, the flusher's and the mail
 * queue's blocking reads). Commands time out instead of queueing forever while Redis is
 * away, and the connection state is logged on changes only (not on every retry).
 *
 * With Sentinel, a client emits MASTER_SWITCH ({ from, to }) before `ready` when it comes
 * back to another server than the master it had: the writes the old master had not yet
 * replicated are lost, and those who keep state in Redis must treat it as a Redis loss.
 */
export function createRedis(config: RedisConfig, logger: Logger, name = 'main', options: RedisClientOptions = {}): Redis {
  const common: RedisOptions = {
    enableOfflineQueue: !options.failFast && !options.once,
    connectionName: `codex-gateway:${name}`,
    commandTimeout: config.commandTimeoutMs,
    maxRetriesPerRequest: options.once ? 0 : 1,
    // Commands issued in the same tick (settle + usage record of many requests) share one round trip.
    enableAutoPipelining: !options.once,
    retryStrategy: options.once ? () => null : (attempt) => Math.min(attempt * 100, 1000),
    // A master demoted to a replica answers writes with READONLY: reconnect through the
    // sentinels, to the new master, and send the command again (one Redis has no other to go to).
    reconnectOnError: (err) => (config.sentinel && err.message.startsWith('READONLY') ? 2 : false),
    lazyConnect: !!options.once,
    connectTimeout: options.once ? 5000 : 10_000,
  };
  const client = config.sentinel ? new Redis({ ...sentinelOptions(config, !!options.once), ...common }) : new Redis(config.url, common);
  if (config.sentinel && !options.once) keepConnecting(client, logger, name);
  let down = false;
  let master: string | undefined;
  // Registered first, so MASTER_SWITCH reaches its listeners before anyone's `ready`
  // (the server's role is checked before `ready`: a replica is never taken for a master).
  client.on('ready', () => {
    if (down) logger.warn({ redis: name }, 'redis connection restored');
    down = false;
    const address = `${client.stream?.remoteAddress}:${client.stream?.remotePort}`;
    const previous = master;
    master = address;
    if (config.sentinel && previous !== undefined && address !== previous) {
      logger.warn({ redis: name, from: previous, to: address }, 'redis master switched: what the old master had not replicated is lost');
      client.emit(MASTER_SWITCH, { from: previous, to: address });
    }
  });
  client.on('error', (err) => {
    if (!down) logger.error({ redis: name, err: err.message }, 'redis connection lost');
    down = true;
  });
  return client;
}

/**
 * ioredis gives a sentinel client up for good (status `end`, no reconnect) when the failover
 * detector of its lost connection hears +switch-master while the client is asking the
 * sentinels where the master is: the look-up is cut and fails. A client its owner did not
 * close connects again.
 */
function keepConnecting(client: Redis, logger: Logger, name: string): void {
  let closedByOwner = false;
  for (const method of ['disconnect', 'quit'] as const) {
    const close = client[method].bind(client) as (...args: unknown[]) => unknown;
    // disconnect(true) is ioredis' own reconnect, not a close.
    (client as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (method === 'quit' || !args[0]) closedByOwner = true;
      return close(...args);
    };
  }
  let reconnecting = false;
  client.on('ready', () => (reconnecting = false));
  client.on('end', () => {
    if (closedByOwner) return;
    if (!reconnecting) logger.warn({ redis: name }, 'redis client given up by ioredis during a failover: connecting again');
    reconnecting = true;
    setTimeout(() => {
      if (!closedByOwner && client.status === 'end') client.connect().catch(() => undefined);
    }, 200).unref();
  });
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

/** Deletes every key matching `pattern` (SCAN, not KEYS: Redis keeps serving meanwhile); returns how many. */
export async function deleteMatching(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
