import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEPLOY_DIR } from '../paths.js';
import { httpOk, startService, waitFor, type Service } from '../process.js';
import { renderTemplate } from './nginx.js';

/** `npm start -- --monitoring`: Prometheus scraping every backend, with the alert rules. */
export async function startPrometheus(opts: {
  dir: string;
  port: number;
  metricsTargets: string[];
  logDir: string;
}): Promise<{ service: Service; url: string }> {
  mkdirSync(path.join(opts.dir, 'data'), { recursive: true });
  const config = renderTemplate(readFileSync(path.join(DEPLOY_DIR, 'prometheus/prometheus.local.yml.template'), 'utf8'), {
    BACKEND_METRICS_TARGETS: JSON.stringify(opts.metricsTargets),
    RULES_FILE: path.join(DEPLOY_DIR, 'prometheus/alerts.yml'),
  });
  const configFile = path.join(opts.dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const service = startService(
    'prometheus',
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(opts.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${opts.port}`,
      '--storage.tsdb.retention.time=2d',
    ],
    { logFile: path.join(opts.logDir, 'prometheus.log') },
  );
  const url = `http://127.0.0.1:${opts.port}`;
  await waitFor('prometheus', () => httpOk(`${url}/-/ready`), 30_000, 200);
  return { service, url };
}
