import express from 'express';
import type { Config } from './infra/config.js';
import { createPools } from './infra/db.js';
import { errorHandler, notFoundHandler } from './infra/errors.js';
import type { Logger } from './infra/logger.js';
import { createMetrics, type Registry } from './infra/metrics.js';
import { createRedis } from './infra/redis.js';
import { requestId } from './infra/request-id.js';
import { createHealthRoutes } from './features/health/health-routes.js';
import { apiKeyAuth } from './features/keys/api-key-auth.js';
import { createKeyStore } from './features/keys/key-store.js';
import { createRelayRoutes } from './features/relay/relay-routes.js';
import { createUpstreamClient } from './features/relay/upstream-client.js';

export interface AppDeps {
  logger: Logger;
  /** The worker's metrics registry; the cluster primary aggregates it. */
  registry: Registry;
}

/**
 * The composition root: infrastructure → stores → services → routes, built in one place
 * and closed in reverse by `close()`.
 */
export function createApp(config: Config, { logger, registry }: AppDeps) {
  const pools = createPools(config.db, logger);
  const redis = createRedis(config.redis, logger);
  const metrics = createMetrics(registry);
  metrics.observePools(pools);
  const upstream = createUpstreamClient(config.upstream);

  const keyStore = createKeyStore({ pools });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, uniquelocal');
  app.use(requestId);
  app.use(metrics.httpMiddleware());

  app.use(createHealthRoutes({ pools, redis, instanceId: config.instanceId }));

  const customerApi = express.Router();
  customerApi.use(apiKeyAuth({ keyStore, pepper: config.auth.keyPepper }));
  customerApi.use(createRelayRoutes({ upstream, logger, bodyLimitBytes: config.http.bodyLimitBytes }));
  // OpenAI SDKs and the Codex CLI use base_url=…/v1; the original product used /api/v1.
  app.use(['/api/v1', '/v1'], customerApi);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  return {
    app,
    async close() {
      await upstream.close();
      redis.disconnect();
      await pools.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
