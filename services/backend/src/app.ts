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
import { createRouter, declaredRoutes } from './infra/routes.js';
import { adminAuth } from './features/admin/admin-auth.js';
import { createHealthRoutes } from './features/health/health-routes.js';
import { apiKeyAccess, apiKeyAuth, createApiKeyAuthenticator } from './features/keys/api-key-auth.js';
import { createKeyService } from './features/keys/key-service.js';
import { createKeyStore } from './features/keys/key-store.js';
import { createEntitlementService } from './features/packages/entitlement-service.js';
import { createPackageStore } from './features/packages/package-store.js';
import { createUserPackageStore } from './features/packages/user-package-store.js';
import { createQuotaService } from './features/quota/quota-service.js';
import { createPostgresQuota } from './features/quota/postgres-quota.js';
import { createRedisQuota } from './features/quota/redis-quota.js';
import { createRedisLossHandover } from './features/quota/redis-loss-handover.js';
import { anthropicMessages } from './features/relay/anthropic-messages-adapter.js';
import { createAnthropicRoutes } from './features/relay/anthropic-routes.js';
import { chatCompletions } from './features/relay/chat-completions-adapter.js';
import { audioSpeech, audioTranscriptions, audioTranslations } from './features/relay/audio-adapter.js';
import { embeddings } from './features/relay/embeddings-adapter.js';
import { imageEdits, imageGenerations } from './features/relay/images-adapter.js';
import { createAbandonedAnswers } from './features/relay/hang-up.js';
import { API_PREFIXES, createMeteredRoutes } from './features/relay/metered-routes.js';
import { createModelListRoutes } from './features/relay/model-list-routes.js';
import { responses } from './features/relay/responses-adapter.js';
import { createChannelAdminRoutes } from './features/channels/channel-admin-routes.js';
import { createChannelAdminService } from './features/channels/channel-admin-service.js';
import { createChannelSealer } from './features/channels/channel-crypto.js';
import { createChannelDirectory } from './features/channels/channel-directory.js';
import { createChannelHealth } from './features/channels/channel-health.js';
import { createChannelSender } from './features/channels/channel-sender.js';
import { createChannelStore } from './features/channels/channel-store.js';
import { createChannelTransport } from './features/channels/channel-transport.js';
import { createSessionAffinity } from './features/channels/session-affinity.js';
import { createModelAdminRoutes } from './features/models/model-admin-routes.js';
import { createModelAdminService } from './features/models/model-admin-service.js';
import { createModelCatalogue } from './features/models/model-catalogue.js';
import { createModelStore } from './features/models/model-store.js';
import { createConsoleModelRoutes } from './features/models/console-model-routes.js';
import { createOfferedModels } from './features/models/offered-models.js';
import { createAdminUsageRoutes, createCustomerUsageRoutes } from './features/usage/usage-routes.js';
import { createUsageRecorder } from './features/usage/usage-recorder.js';
import { createRefusalRecorder } from './features/usage/refusal-recorder.js';
import { createUserAdminRoutes } from './features/users/user-routes.js';
import { createAuditRoutes } from './features/audit/audit-routes.js';
import { createAuditStore } from './features/audit/audit-store.js';
import { createAuditedChanges } from './features/audit/audited-changes.js';
import { createKeyAdminRoutes } from './features/keys/key-admin-routes.js';
import { createGrantService } from './features/packages/grant-service.js';
import { createPackageService } from './features/packages/package-service.js';
import { createRecoveryCodes } from './features/accounts/recovery-codes.js';
import { createSecondFactor } from './features/accounts/second-factor.js';
import { createSecondFactorStore } from './features/accounts/second-factor-store.js';
import { createStaffRoutes } from './features/staff/staff-routes.js';
import { createStaffService } from './features/staff/staff-service.js';
import { createPackageAdminService } from './features/packages/package-admin-service.js';
import { createKeyAdminService } from './features/keys/key-admin-service.js';
import { createInviteService } from './features/accounts/invite-service.js';
import { createUserAdminService } from './features/users/user-admin-service.js';
import { createStaffStore } from './features/staff/staff-store.js';
import { createAccountActions } from './features/staff/account-actions.js';
import { createTotp } from './features/accounts/totp.js';
import { createTotpRoutes } from './features/staff/totp-routes.js';
import { createPackageAdminRoutes } from './features/packages/package-admin-routes.js';
import { createUserStore } from './features/users/user-store.js';
import { createAdminPaymentRoutes } from './features/payments/admin-payment-routes.js';
import { createFulfilmentService } from './features/payments/fulfilment-service.js';
import { createOrderRoutes } from './features/payments/order-routes.js';
import { createOrderStore } from './features/payments/order-store.js';
import { createPaymentEventStore } from './features/payments/payment-event-store.js';
import { createEpayNotifyRoute, createEpayProvider } from './features/payments/providers/epay-provider.js';
import type { PaymentProvider } from './features/payments/providers/payment-provider.js';
import { createStripeProvider, createStripeWebhookRoute } from './features/payments/providers/stripe-provider.js';
import { createAdminRedemptionRoutes, createConsoleRedeemRoutes, createRedeemRoutes } from './features/redemption/redemption-routes.js';
import { createAccountRoutes, createAdminInviteRoutes } from './features/accounts/account-routes.js';
import { createAccountService } from './features/accounts/account-service.js';
import { createAccountStore } from './features/accounts/account-store.js';
import { createAccountTokenStore } from './features/accounts/account-token-store.js';
import { createInviteStore } from './features/accounts/invite-store.js';
import { createAccountMailJobs } from './features/accounts/account-mail-jobs.js';
import { createMailQueue, enqueueMail } from './features/accounts/mail-queue.js';
import { createMailer } from './features/accounts/mailer.js';
import { createPasswordHasher } from './features/accounts/password.js';
import { loadSession, requireCsrf } from './features/accounts/session-auth.js';
import { createSessionService } from './features/accounts/session-service.js';
import { createSignInLimiter } from './features/accounts/sign-in-limiter.js';
import { createConsoleKeyRoutes } from './features/keys/console-key-routes.js';
import { createConsolePackageRoutes } from './features/packages/console-package-routes.js';
import { createConsoleOrderRoutes, createOrderStatusRoute } from './features/payments/console-order-routes.js';
import { createOrderReturn } from './features/payments/order-return.js';
import { createOrderService } from './features/payments/order-service.js';
import { createRedemptionService } from './features/redemption/redemption-service.js';
import { createConsoleUsageRoutes } from './features/usage/console-usage-routes.js';
import { createLedgerStore } from './features/usage/ledger-store.js';
import { createTodayUsage } from './features/usage/today-usage.js';
import { createAdminUsageSearchRoutes } from './features/usage/admin-usage-routes.js';
import { createAdminUsageStore } from './features/usage/admin-usage-store.js';
import { createDailyUsageStore } from './features/usage/daily-usage-store.js';
import { createBusinessStore } from './features/overview/business-store.js';
import { startHeartbeat } from './features/overview/cluster-heartbeat.js';
import { createOverviewRoutes } from './features/overview/overview-routes.js';
import { createSetupChecklist } from './features/overview/setup-checklist.js';
import { createSetupChecklistRoutes } from './features/overview/setup-checklist-routes.js';
import { createApiDocsRoutes } from './features/api-docs/api-docs-routes.js';
import { createRefusalWarnings } from './features/notices/limit-watch.js';
import { createNoticeJobs } from './features/notices/notice-jobs.js';
import { createNoticeRoutes } from './features/notices/notice-routes.js';
import { createNoticeStore } from './features/notices/notice-store.js';

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

  // Stores
  const users = createUserStore({ pools });
  const packages = createPackageStore({ pools });
  const userPackages = createUserPackageStore({ pools });
  const keyStore = createKeyStore({ pools });
  const dailyUsage = createDailyUsageStore({ pools });
  const orders = createOrderStore({ pools });
  const paymentEvents = createPaymentEventStore({ pools });
  const codes = createRedemptionStore({ pools });
  const accountStore = createAccountStore({ pools });
  const invites = createInviteStore({ pools });
  const ledger = createLedgerStore({ pools });

  // Services
  const keys = createKeyService({ keyStore, redis, bus, pepper: config.auth.keyPepper, localTtlMs: config.cache.keyTtlMs, logger });
  const authFailures = createAuthFailureLimiter({ redis, ...config.authFailures, logger });
  const entitlements = createEntitlementService({ userPackageStore: userPackages, bus, ttlMs: config.cache.keyTtlMs });
  const recorder = createUsageRecorder({ redis, pools, logger, onRedisFallback: (reason) => metrics.gateway.redisFallbacks.inc({ use: 'usage', reason }) });
  const quota = createQuotaService({
    redisQuota: createRedisQuota({ redis, dailyUsage }),
    postgresQuota: createPostgresQuota({ pools, dailyUsage }),
    dailyUsage,
    redisEvents: redis,
    handover: createRedisLossHandover({ dailyUsage, handOverStream: () => recorder.handOver(), logger }),
    bus,
    logger,
    timeZone: config.quota.timeZone,
    buyUrl: `${config.accounts.publicBaseUrl}/buy`,
    onReject: (reason) => metrics.gateway.quotaRejections.inc({ reason }),
    onLimitReached: config.accounts.smtpUrl ? createRefusalWarnings({ redis, timeZone: config.quota.timeZone, logger }) : undefined,
    onRedisFallback: (reason) => metrics.gateway.redisFallbacks.inc({ use: 'quota', reason }),
  });
  const timeZone = config.quota.timeZone;
  const audit = createAuditStore({ pools });
  const change = createAuditedChanges({ pools, audit });

  // Upstream channels and the model catalogue: data in Postgres, cached in every worker,
  // their health shared in Redis.
  const channelStore = createChannelStore({ pools });
  const sealer = createChannelSealer(config.channels.encryptionKey);
  const channelDirectory = createChannelDirectory({
    store: channelStore,
    sealer,
    bus,
    envChannels: config.upstream.channels,
    allowedHosts: config.channels.allowedHosts,
    logger,
  });
  const transport = createChannelTransport(config.upstream, config.channels.allowedHosts);
  const channelHealth = createChannelHealth({
    redis,
    bus,
    routing: config.routing,
    transport,
    logger,
    channels: () => channelDirectory.current(),
    disable: async (channel, reason) => {
      if (channel.id !== null) await channelAdmin.disableByGateway(channel.id, reason);
    },
    onEvent: (channel, event) => metrics.gateway.channelEvents.inc({ channel, event }),
  });
  const channelAdmin = createChannelAdminService({
    store: channelStore,
    allowedHosts: config.channels.allowedHosts,
    sealer,
    directory: channelDirectory,
    change,
    bus,
    health: channelHealth.reader,
    logger,
  });
  const channels = createChannelSender({
    channels: channelDirectory,
    transport,
    health: channelHealth,
    affinity: createSessionAffinity({ redis, ttlSeconds: config.routing.affinityTtlSeconds, logger }),
    logger,
    onAttempt: (channel, outcome) => metrics.gateway.upstreamAttempts.inc({ channel, outcome }),
  });
  const modelStore = createModelStore({ pools });
  const modelCatalogue = createModelCatalogue({ store: modelStore, bus, logger });
  // A channel serving models the catalogue does not sell: an operator error, counted per channel (names staff chose).
  metrics.observeUnpricedChannels(async () =>
    Promise.all((await channelDirectory.current()).map(async (c) => ({ channel: c.name, unpriced: (await modelCatalogue.unpriced(c.models)).length }))),
  );
  const grants = createGrantService({ userPackages, entitlements, timeZone });
  const packageService = createPackageService({ packages, userPackages });
  const notices = createNoticeStore({ db: pools.primary });
  const fulfilment = createFulfilmentService({
    pools,
    orders,
    events: paymentEvents,
    grants,
    change,
    logger,
    // Each fulfilled order's receipt (sent once: the worker claims it; only with a mail server).
    onFulfilled: config.accounts.smtpUrl
      ? (orderNo, userId) => enqueueMail(redis, { kind: 'receipt', userId, notice: `receipt:${orderNo}`, data: { orderNo } })
      : undefined,
  });

  const todayUsage = createTodayUsage({ quota, dailyUsage, entitlements, timeZone });
  const redemption = createRedemptionService({ pools, codes, packages: packageService, grants, change });

  // Payment providers: each one offered only when configured. Buyers come back to the console.
  const { payments } = config;
  const orderReturn = createOrderReturn({ publicBaseUrl: payments.publicBaseUrl, secret: config.auth.keyPepper });
  const stripe = payments.stripe && createStripeProvider(payments.stripe, { returnUrl: orderReturn.url, cancelUrl: orderReturn.cancelUrl });
  const epay = payments.epay && createEpayProvider(payments.epay, payments.publicBaseUrl, orderReturn.url);
  const providers = new Map<string, PaymentProvider>([...(stripe ? [stripe] : []), ...(epay ? [epay] : [])].map((p) => [p.name, p]));
  const orderService = createOrderService({ orders, packages: packageService, providers, expiryMinutes: payments.orderExpiryMinutes, logger });

  // People: accounts and console sessions.
  const { accounts } = config;
  const mailer = createMailer({ smtpUrl: accounts.smtpUrl, from: accounts.mailFrom, logger });
  const sessions = createSessionService({ redis, ttlSeconds: accounts.sessionTtlSeconds });
  // Password work (argon2) is bounded per worker: a burst of sign-ins cannot starve the rest.
  const passwordHasher = createPasswordHasher(accounts.passwordWork);
  const secondFactor = createSecondFactor({
    totp: createTotp({ pepper: config.auth.keyPepper }),
    redis,
    pools,
    store: createSecondFactorStore({ pools }),
    recoveryCodes: createRecoveryCodes({ pepper: config.auth.keyPepper }),
    verifyPassword: passwordHasher.verify,
  });
  const accountTokens = createAccountTokenStore({ pepper: config.auth.keyPepper });
  // Mails leave through a queue that every worker takes from (only where there is a mail server).
  const onMail = (kind: string, outcome: string) => metrics.gateway.accountMails.inc({ kind, outcome });
  const mailQueue =
    mailer &&
    (() => {
      const accountMails = createAccountMailJobs({
        pools,
        redis,
        accounts: accountStore,
        tokens: accountTokens,
        mailer,
        logger,
        publicBaseUrl: accounts.publicBaseUrl,
        onMail,
      });
      // Receipts, limit warnings and package-ending reminders share the queue.
      const noticeMails = createNoticeJobs({ store: notices, mailer, ctx: { publicBaseUrl: accounts.publicBaseUrl, timeZone }, logger, onMail });
      return createMailQueue({
        redis,
        redisConfig: config.redis,
        logger,
        handle: (job) => ('userId' in job ? noticeMails.handle(job) : accountMails.handle(job)),
        onExpired: (job) => onMail(job.kind, 'expired'),
      });
    })();
  mailQueue?.start();
  const accountService = createAccountService({
    pools,
    accounts: accountStore,
    tokens: accountTokens,
    invites,
    sessions,
    limiter: createSignInLimiter({ redis, perAccount: accounts.signInFailuresPerAccount, perAddress: accounts.signInFailuresPerAddress, logger }),
    secondFactor,
    hasher: passwordHasher,
    mails: mailQueue,
    signupMode: accounts.signupMode,
  });

  const staff = createStaffStore({ pools });
  const accountActions = createAccountActions({ staff });
  const userAdmin = createUserAdminService({ users, accountActions, keys, sessions, accounts: accountService, change });

  // Routes
  const app = express();
  app.disable('x-powered-by');
  // /Staff or /staff/ is not /staff: a path matches its route exactly or not at all.
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  // X-Forwarded-For counts only from the configured proxies: from anyone else it would let a
  // client choose the address its limits and the audit log see.
  app.set('trust proxy', config.http.trustedProxies);
  const authenticate = createApiKeyAuthenticator({ keys, failures: authFailures });
  const customerAuth = apiKeyAuth(authenticate);
  const apiKey = apiKeyAccess(authenticate);
  const abandoned = createAbandonedAnswers();
  const offeredModels = createOfferedModels({ entitlementOn: entitlements.active, catalogue: modelCatalogue, serves: channels.serves, timeZone });
  // The metered routes first: nearly every request is one of them. One adapter per API shape.
  const metered = createMeteredRoutes(
    {
      authenticate,
      access: apiKey,
      entitlements,
      catalogue: modelCatalogue,
      channels,
      quota,
      recorder,
      refusals: createRefusalRecorder({ recorder, metrics, logger, timeZone, perKeyMinute: config.usage.refusalsPerKeyMinute }),
      metrics,
      logger,
      bodyLimitBytes: config.http.bodyLimitBytes,
      uploadLimitBytes: config.http.uploadLimitBytes,
      timeZone,
      completionTokenEstimate: config.quota.completionTokenEstimate,
      hangupReadTimeoutMs: config.quota.hangupReadTimeoutMs,
      abandoned,
    },
    [chatCompletions, responses, anthropicMessages, embeddings, imageGenerations, imageEdits, audioTranscriptions, audioTranslations, audioSpeech],
  );
  app.use(metered.entry);
  app.use(requestId);
  app.use(metrics.httpMiddleware());
  app.use(metered.router);

  app.use(createHealthRoutes({ pools, redis, instanceId: config.instanceId, logger, isDraining }));

  const admin = createRouter();
  // Staff sign in to the console: their session opens the admin API as far as their role goes.
  admin.use(loadSession({ sessions, accounts: accountStore }));
  admin.use(adminAuth(config.auth.adminToken, authFailures));
  admin.use(express.json({ limit: '1mb' }));
  admin.use(createUserAdminRoutes({ users, keys, packages: packageService, orders: orderService, todayUsage, service: userAdmin, timeZone }));
  const packageAdmin = createPackageAdminService({ packages, grants, change });
  admin.use(createPackageAdminRoutes({ packages, userPackages, userExists: users.exists, service: packageAdmin, timeZone }));
  admin.use(createKeyAdminRoutes({ keyStore, userExists: users.exists, service: createKeyAdminService({ keys, accountActions, change }) }));
  admin.use(createAdminInviteRoutes({ invites: createInviteService({ invites, change }) }));
  admin.use(createAuditRoutes({ audit }));
  admin.use(createStaffRoutes({ staff, service: createStaffService({ staff, accounts: accountService, sessions, change }) }));
  admin.use(createAdminUsageRoutes({ dailyUsage, userExists: users.exists }));
  const adminUsage = createAdminUsageStore({ pools, dailyUsage });
  admin.use(createAdminUsageSearchRoutes({ usage: adminUsage, timeZone }));
  admin.use(createOverviewRoutes({ pools, redis, usageSummary: adminUsage.summary, business: createBusinessStore({ pools }), timeZone }));
  admin.use(createAdminPaymentRoutes({ orders, service: orderService, events: paymentEvents, fulfilment, emailsOf: users.emails }));
  admin.use(createAdminRedemptionRoutes({ codes, redemption }));
  admin.use(
    createChannelAdminRoutes({
      channels: channelStore,
      directory: channelDirectory,
      health: channelHealth.reader,
      service: channelAdmin,
      catalogue: modelCatalogue,
    }),
  );
  admin.use(createModelAdminRoutes({ models: modelStore, service: createModelAdminService({ models: modelStore, change, bus, logger }) }));
  admin.use(
    createSetupChecklistRoutes({
      checklist: createSetupChecklist({
        packages: packageService,
        providers,
        payments,
        channels: channelDirectory,
        catalogue: modelCatalogue,
        smtpUrl: accounts.smtpUrl,
      }),
    }),
  );
  app.use('/api/admin', admin);

  // Provider callbacks: authenticated by their signatures, not by keys.
  const providerCallbacks = createRouter();
  if (stripe && payments.stripe) providerCallbacks.use(createStripeWebhookRoute({ config: payments.stripe, stripe: stripe.stripe, fulfilment, logger }));
  if (payments.epay) providerCallbacks.use(createEpayNotifyRoute({ config: payments.epay, fulfilment, logger }));
  app.use('/api/payments', providerCallbacks);

  // The console's API: session cookie, CSRF token on every change.
  const consoleApi = createRouter();
  consoleApi.use(express.json({ limit: '64kb' }));
  consoleApi.use(loadSession({ sessions, accounts: accountStore }));
  consoleApi.use(requireCsrf);
  consoleApi.use(createAccountRoutes({ service: accountService, sessions, apiBaseUrl: `${accounts.publicBaseUrl}/v1`, secureCookies: accounts.secureCookies }));
  consoleApi.use(createOrderStatusRoute({ service: orderService, orderReturn }));
  consoleApi.use(createTotpRoutes({ secondFactor, sessions }));
  consoleApi.use(createConsoleKeyRoutes({ keys }));
  consoleApi.use(createConsolePackageRoutes({ packages, userPackages, providers, timeZone }));
  consoleApi.use(createConsoleUsageRoutes({ todayUsage, dailyUsage, ledger, timeZone }));
  consoleApi.use(createConsoleOrderRoutes({ service: orderService }));
  consoleApi.use(createConsoleRedeemRoutes({ redemption, timeZone }));
  consoleApi.use(createConsoleModelRoutes({ offered: offeredModels }));
  consoleApi.use(createNoticeRoutes({ store: notices }));
  app.use('/api/console', consoleApi);

  const customerApi = createRouter();
  customerApi.use(customerAuth);
  customerApi.use(createCustomerUsageRoutes({ todayUsage, access: apiKey }));
  customerApi.use(createOrderRoutes({ service: orderService, access: apiKey }));
  customerApi.use(createRedeemRoutes({ redemption, access: apiKey, timeZone }));
  customerApi.use(createModelListRoutes({ offered: offeredModels, access: apiKey }));
  customerApi.use(
    createAnthropicRoutes({
      entitlements,
      catalogue: modelCatalogue,
      channels,
      metrics,
      access: apiKey,
      bodyLimitBytes: config.http.bodyLimitBytes,
      timeZone,
    }),
  );
  // OpenAI SDKs and the Codex CLI use base_url=…/v1; the original product used /api/v1.
  app.use(API_PREFIXES, customerApi);

  // Every route of the three APIs declares who may call it, or the app does not start; the
  // declarations are also the API's description.
  const apis = {
    customer: [...declaredRoutes(metered.router).filter((r) => r.path.startsWith('/v1/')), ...declaredRoutes(customerApi, '/v1')],
    console: declaredRoutes(consoleApi, '/api/console'),
    admin: declaredRoutes(admin, '/api/admin'),
  };
  declaredRoutes(providerCallbacks, '/api/payments');
  app.use(createApiDocsRoutes({ apis, publicBaseUrl: accounts.publicBaseUrl }));

  app.use(notFoundHandler);

  const heartbeat = startHeartbeat({ redis, instanceId: config.instanceId, workers: config.cluster.workers, isDraining, logger });
  app.use(errorHandler(logger));

  return {
    app,
    /** Every route of the customer, console and admin APIs, as declared (who may call it, what it takes). */
    routes: apis,
    /** The channels and the model catalogue this worker routes and prices with. */
    channelDirectory,
    modelCatalogue,
    async close() {
      // Answers still read for clients that left are billed as reserved before anything closes.
      await abandoned.stop(5000);
      // What this worker's quota leases hold undrawn goes back to the customers' days.
      await quota.stop().catch((err: Error) => logger.warn({ err: err.message }, 'quota leases not given back: Redis reclaims them'));
      await mailQueue?.stop();
      heartbeat.stop();
      channelHealth.stop();
      channelDirectory.close();
      modelCatalogue.close();
      await transport.close();
      mailer?.close();
      bus.close();
      redis.disconnect();
      await pools.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
