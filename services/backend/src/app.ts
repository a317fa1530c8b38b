import express from 'express';
import type { Config } from './infra/config.js';
import { createPools } from './infra/db.js';
import { errorHandler, notFoundHandler } from './infra/errors.js';
import { createAuthFailureLimiter } from './infra/auth-failure-limiter.js';
import { createInvalidationBus } from './infra/invalidation.js';
import type { Logger } from './infra/logger.js';
import { createMetrics, type Registry } from './infra/metrics.js';
import { createRedis } from './infra/redis.js';
import { requestId } from './infra/request-id.js';
import { adminAuth } from './features/admin/admin-auth.js';
import { createAdminRoutes } from './features/admin/admin-routes.js';
import { createHealthRoutes } from './features/health/health-routes.js';
import { apiKeyAuth } from './features/keys/api-key-auth.js';
import { createKeyService } from './features/keys/key-service.js';
import { createKeyStore } from './features/keys/key-store.js';
import { createEntitlementService } from './features/packages/entitlement-service.js';
import { createPackageStore } from './features/packages/package-store.js';
import { createUserPackageStore } from './features/packages/user-package-store.js';
import { createDailyUsageReader } from './features/quota/daily-usage-reader.js';
import { createQuotaService } from './features/quota/quota-service.js';
import { createPostgresQuota } from './features/quota/postgres-quota.js';
import { createRelayRoutes } from './features/relay/relay-routes.js';
import { createUpstreamClient } from './features/relay/upstream-client.js';
import { createAdminUsageRoutes, createCustomerUsageRoutes } from './features/usage/usage-routes.js';
import { createUsageRecorder } from './features/usage/usage-recorder.js';
import { createUserAdminRoutes } from './features/users/user-routes.js';
import { createUserStore } from './features/users/user-store.js';
import { createAdminPaymentRoutes } from './features/payments/admin-payment-routes.js';
import { createFulfilmentService } from './features/payments/fulfilment-service.js';
import { createOrderRoutes } from './features/payments/order-routes.js';
import { createOrderStore } from './features/payments/order-store.js';
import { createPaymentEventStore } from './features/payments/payment-event-store.js';
import { createEpayNotifyRoute, createEpayProvider } from './features/payments/providers/epay-provider.js';
import type { PaymentProvider } from './features/payments/providers/payment-provider.js';
import { createStripeProvider, createStripeWebhookRoute } from './features/payments/providers/stripe-provider.js';
import { createAdminRedemptionRoutes, createRedeemRoutes } from './features/redemption/redemption-routes.js';
import { createRedemptionStore } from './features/redemption/redemption-store.js';

export interface AppDeps {
  logger: Logger;
  /** The worker's metrics registry; the cluster primary aggregates it. */
  registry: Registry;
  /** True once the worker is shutting down: /healthz then tells load balancers to stop sending. */
  isDraining?: () => boolean;
}

/**
 * The composition root: infrastructure → stores → services → routes, built in one place
 * and closed in reverse by `close()`.
 */
export function createApp(config: Config, { logger, registry, isDraining = () => false }: AppDeps) {
  // Infrastructure
  const metrics = createMetrics(registry);
  const pools = createPools(config.db, logger, metrics.observeQuery);
  metrics.observePools(pools);
  const redis = createRedis(config.redis, logger, 'main', { failFast: true });
  const bus = createInvalidationBus({ redis, redisConfig: config.redis, logger });
  const upstream = createUpstreamClient(config.upstream, logger, (channel, outcome) => metrics.gateway.upstreamAttempts.inc({ channel, outcome }));

  // Stores
  const users = createUserStore({ pools });
  const packages = createPackageStore({ pools });
  const userPackages = createUserPackageStore({ pools });
  const keyStore = createKeyStore({ pools });
  const dailyUsage = createDailyUsageReader({ pools });
  const orders = createOrderStore({ pools });
  const paymentEvents = createPaymentEventStore({ pools });
  const codes = createRedemptionStore({ pools });

  // Services
  const keys = createKeyService({ keyStore, redis, bus, pepper: config.auth.keyPepper, localTtlMs: config.cache.keyTtlMs, logger });
  const authFailures = createAuthFailureLimiter({ redis, ...config.authFailures, logger });
  const entitlements = createEntitlementService({ userPackageStore: userPackages, bus, ttlMs: config.cache.keyTtlMs });
  const quota = createQuotaService({
    redis,
    dailyUsage,
    postgresQuota: createPostgresQuota({ pools }),
    logger,
    timeZone: config.quota.timeZone,
    onReject: (reason) => metrics.gateway.quotaRejections.inc({ reason }),
    onRedisFallback: (reason) => metrics.gateway.redisFallbacks.inc({ use: 'quota', reason }),
  });
  const recorder = createUsageRecorder({ redis, pools, logger, onRedisFallback: (reason) => metrics.gateway.redisFallbacks.inc({ use: 'usage', reason }) });
  const timeZone = config.quota.timeZone;
  const fulfilment = createFulfilmentService({ pools, orders, events: paymentEvents, packages, userPackages, entitlements, logger, timeZone });

  // Payment providers: each one offered only when configured.
  const { payments } = config;
  const stripe = payments.stripe && createStripeProvider(payments.stripe, payments.publicBaseUrl);
  const epay = payments.epay && createEpayProvider(payments.epay, payments.publicBaseUrl);
  const providers = new Map<string, PaymentProvider>([...(stripe ? [stripe] : []), ...(epay ? [epay] : [])].map((p) => [p.name, p]));

  // Routes
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, uniquelocal');
  app.use(requestId);
  app.use(metrics.httpMiddleware());

  app.use(createHealthRoutes({ pools, redis, instanceId: config.instanceId, logger, isDraining }));

  const admin = express.Router();
  admin.use(adminAuth(config.auth.adminToken, authFailures));
  admin.use(express.json({ limit: '1mb' }));
  admin.use(createAdminRoutes({ users, packages, userPackages, keys, entitlements, timeZone }));
  admin.use(createUserAdminRoutes({ users, keys }));
  admin.use(createAdminUsageRoutes({ dailyUsage, users }));
  admin.use(createAdminPaymentRoutes({ orders, events: paymentEvents, fulfilment }));
  admin.use(createAdminRedemptionRoutes({ codes, packages }));
  app.use('/api/admin', admin);

  // Provider callbacks: authenticated by their signatures, not by keys.
  const providerCallbacks = express.Router();
  if (stripe && payments.stripe) providerCallbacks.use(createStripeWebhookRoute({ config: payments.stripe, stripe: stripe.stripe, fulfilment, logger }));
  if (payments.epay) providerCallbacks.use(createEpayNotifyRoute({ config: payments.epay, fulfilment, logger }));
  app.use('/api/payments', providerCallbacks);

  const customerApi = express.Router();
  customerApi.use(apiKeyAuth({ keys, failures: authFailures }));
  customerApi.use(createCustomerUsageRoutes({ quota, dailyUsage, entitlements, timeZone }));
  customerApi.use(createOrderRoutes({ orders, packages, providers, expiryMinutes: payments.orderExpiryMinutes, logger }));
  customerApi.use(createRedeemRoutes({ pools, codes, packages, userPackages, entitlements, timeZone }));
  customerApi.use(
    createRelayRoutes({
      upstream,
      entitlements,
      quota,
      recorder,
      metrics,
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
      timeZone,
      completionTokenEstimate: config.quota.completionTokenEstimate,
    }),
  );
  // OpenAI SDKs and the Codex CLI use base_url=…/v1; the original product used /api/v1.
  app.use(['/api/v1', '/v1'], customerApi);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  return {
    app,
    async close() {
      await upstream.close();
      bus.close();
      redis.disconnect();
      await pools.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
