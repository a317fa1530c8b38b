import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { deployFile } from '../paths.js';
import { startService, waitFor, type Service } from '../process.js';

/**
 * redis-server with the shared deploy/redis/redis.conf (AOF on), on loopback. `args` adds
 * settings of its own (a replica's --replicaof, --requirepass); with `password`, the
 * readiness check authenticates.
 */
export async function startRedis(opts: {
  dir: string;
  port: number;
  logDir: string;
  name?: string;
  args?: string[];
  password?: string;
}): Promise<{ service: Service; url: string }> {
  mkdirSync(opts.dir, { recursive: true });
  const name = opts.name ?? 'redis';
  // A copy of its own: CONFIG REWRITE (which a sentinel sends on a failover) rewrites the
  // file a server was started with, and the shared one must stay as it is in git.
  const conf = path.join(opts.dir, 'redis.conf');
  copyFileSync(deployFile('redisConf'), conf);
  const service = startService(
    name,
    'redis-server',
    [
      conf,
      '--port',
      String(opts.port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--dir',
      opts.dir,
      '--daemonize',
      'no',
      '--logfile',
      '',
      ...(opts.args ?? []),
    ],
    { logFile: path.join(opts.logDir, `${name}.log`) },
  );
  const url = `redis://127.0.0.1:${opts.port}`;
  await waitFor(`${name} on port ${opts.port}`, async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, password: opts.password });
    client.on('error', () => undefined); // refused while starting: connect() rejects, which is enough
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  });
  return { service, url };
}

/**
 * redis-sentinel watching `masterName` at 127.0.0.1:masterPort, on loopback, with its own
 * config file (a sentinel rewrites it). Its timings are options, so that a test fails over
 * in seconds (production keeps Redis' defaults).
 */
export async function startSentinel(opts: {
  dir: string;
  port: number;
  logDir: string;
  name: string;
  masterName: string;
  masterPort: number;
  quorum: number;
  /** The data nodes' password (auth-pass), and the sentinel's own (requirepass). */
  masterPassword?: string;
  password?: string;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}): Promise<{ service: Service; port: number }> {
  mkdirSync(opts.dir, { recursive: true });
  const conf = path.join(opts.dir, `${opts.name}.conf`);
  const m = opts.masterName;
  writeFileSync(
    conf,
    [
      `port ${opts.port}`,
      'bind 127.0.0.1',
      'daemonize no',
      `dir ${opts.dir}`,
      `sentinel monitor ${m} 127.0.0.1 ${opts.masterPort} ${opts.quorum}`,
      `sentinel down-after-milliseconds ${m} ${opts.downAfterMs ?? 30_000}`,
      `sentinel failover-timeout ${m} ${opts.failoverTimeoutMs ?? 180_000}`,
      `sentinel parallel-syncs ${m} 1`,
      ...(opts.masterPassword ? [`sentinel auth-pass ${m} ${opts.masterPassword}`] : []),
      ...(opts.password ? [`requirepass ${opts.password}`] : []),
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const service = startService(opts.name, 'redis-sentinel', [conf], { logFile: path.join(opts.logDir, `${opts.name}.log`) });
  await waitFor(`${opts.name} on port ${opts.port}`, async () => {
    const client = new Redis(opts.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, password: opts.password });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const master = (await client.call('SENTINEL', 'get-master-addr-by-name', m)) as string[] | null;
      return master?.[1] === String(opts.masterPort);
    } finally {
      client.disconnect();
    }
  });
  return { service, port: opts.port };
}
