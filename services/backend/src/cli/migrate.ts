// `node dist/cli/migrate.js` (`npm run migrate -w @codex-gateway/backend`; the compose stacks'
// one-shot `migrate` service): as DATABASE_OWNER_URL, makes the application role DATABASE_URL
// names (and the replication role, given REPLICATION_PASSWORD), applies pending
// migrations and prepares the usage_logs partitions. Without DATABASE_OWNER_URL it migrates
// as DATABASE_URL. Every variable may be given as X_FILE (Docker secrets).
import { ConfigError, loadMigrationConfig } from '../infra/config.js';
import { createLogger } from '../infra/logger.js';
import { prepareDatabase } from '../infra/migrate.js';
import { seedConfiguredPriceList } from '../features/packages/price-list-seed.js';

let config: ReturnType<typeof loadMigrationConfig>;
try {
  config = loadMigrationConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}
const logger = createLogger({ logLevel: 'info', instanceId: 'migrate' });
const applied = await prepareDatabase(config.db, config.usage.retentionDays, logger);
console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: nothing to apply');
await seedConfiguredPriceList(config.db, logger);
