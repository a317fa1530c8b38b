import cluster from 'node:cluster';
import { type Config, ConfigError, loadConfig } from './infra/config.js';
import { startPrimary } from './cluster/primary.js';
import { startWorker } from './cluster/worker.js';

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

await (cluster.isPrimary ? startPrimary(config) : startWorker(config));
