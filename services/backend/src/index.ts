export { createApp, type App, type AppDeps } from './app.js';
export { loadConfig, describeEnv, ConfigError, type Config } from './infra/config.js';
export { createLogger } from './infra/logger.js';
export { runMigrations, maintainUsagePartitions, prepareDatabase, MIGRATIONS_DIR } from './infra/migrate.js';
export { provisionRoles, APPLICATION_ROLE, REPLICATION_ROLE } from './infra/db-roles.js';
export { generateApiKey, hashApiKey, keyPrefix } from './features/keys/key-hash.js';
export { hashPassword } from './features/accounts/password.js';
export {
  claudeCodeSnippet,
  clientBaseUrl,
  codexConfigSnippet,
  curlSnippet,
  EXAMPLE_MODEL,
  KEY_ENV,
  nodeSnippet,
  pythonSnippet,
  shellEnvSnippet,
} from './domain/client-setup.js';
