import client from 'prom-client';
import { createApp } from '../app.js';
import { createAppServer } from './app-server.js';
import type { Config } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';

/** One worker: the Express app on the instance's shared port, drained on SIGTERM. */
export async function startWorker(config: Config): Promise<void> {
  const logger = createLogger(config, { role: 'worker' });
  const registry = new client.Registry();
  // prom-client answers the primary's metric requests from these registries; the
  // listener is only installed once an AggregatorRegistry exists in this process.
  client.AggregatorRegistry.setRegistries([registry]);
  new client.AggregatorRegistry();

  let stopping = false;
  const gateway = createApp(config, { logger, registry, isDraining: () => stopping });
  const server = createAppServer(gateway.app, (req, res) => {
    // While draining, every connection closes after its response, so none is left idle
    // for the load balancer to reuse at the moment it is closed.
    if (stopping) res.setHeader('connection', 'close');
    gateway.app(req, res);
  });
  // Above nginx's upstream keepalive_timeout, so nginx closes idle connections first.
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  server.headersTimeout = config.http.keepAliveTimeoutMs + 1000;
  server.requestTimeout = 0; // streams may run long; the upstream timeout bounds them.

  await new Promise<void>((resolve) => server.listen(config.http.port, config.http.host, resolve));
  logger.debug({ port: config.http.port }, 'worker listening');

  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, drainDelayMs: config.http.drainDelayMs }, 'worker draining');
    // Keep serving while the load balancer notices /healthz and takes this instance out.
    if (config.http.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, config.http.drainDelayMs));
    const force = setTimeout(() => server.closeAllConnections(), config.http.shutdownTimeoutMs);
    force.unref();
    // Stop accepting, let in-flight requests and streams finish, then close the pools.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // A keep-alive connection whose last response just finished would otherwise hold
    // close() open until its keep-alive timeout; close each one as soon as it is idle.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    await closed;
    clearInterval(sweep);
    clearTimeout(force);
    await gateway.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // The primary is gone: nobody will route to this worker any more.
  process.on('disconnect', () => void shutdown('primary disconnected'));
}
