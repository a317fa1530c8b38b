import cluster from 'node:cluster';
import { type Config, ConfigError, loadConfig } from './infra/config.js';

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

// Each role loads only its own code: the primary (flusher, metrics, supervision) never
// holds the app's modules in memory, and a worker never holds the migrations.
if (cluster.isPrimary) await (await import('./cluster/primary.js')).startPrimary(config);
else await (await import('./cluster/worker.js')).startWorker(config);
