import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { deployFile } from '../paths.js';
import { startService, waitFor, type Service } from '../process.js';

/** redis-server with the shared deploy/redis/redis.conf (AOF on), on loopback. */
export async function startRedis(opts: { dir: string; port: number; logDir: string; name?: string }): Promise<{ service: Service; url: string }> {
  mkdirSync(opts.dir, { recursive: true });
  const name = opts.name ?? 'redis';
  const service = startService(
    name,
    'redis-server',
    [
      deployFile('redisConf'),
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
    ],
    { logFile: path.join(opts.logDir, `${name}.log`) },
  );
  const url = `redis://127.0.0.1:${opts.port}`;
  await waitFor(`${name} on port ${opts.port}`, async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
