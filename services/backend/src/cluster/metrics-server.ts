import http from 'node:http';
import client from 'prom-client';
import type { Logger } from '../infra/logger.js';

/**
 * The instance's /metrics: every worker's registry summed by prom-client's cluster
 * aggregator, followed by the primary's own metrics (worker restarts).
 */
export function createMetricsServer(primaryRegistry: client.Registry, logger: Logger): http.Server {
  const aggregator = new client.AggregatorRegistry();
  return http.createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const [workers, own] = await Promise.all([aggregator.clusterMetrics(), primaryRegistry.metrics()]);
      res.writeHead(200, { 'content-type': aggregator.contentType }).end(`${workers}\n${own}`);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'metrics aggregation failed');
      res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
    }
  });
}
