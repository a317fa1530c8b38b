// `npm run migrate -w @codex-gateway/backend`: applies pending migrations to DATABASE_URL.
import { createLogger } from '../infra/logger.js';
import { runMigrations } from '../infra/migrate.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(1);
}
const applied = await runMigrations(url, createLogger({ logLevel: 'info', instanceId: 'migrate' }));
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply');
