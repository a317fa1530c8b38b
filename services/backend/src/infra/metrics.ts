import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { Pools } from './db.js';

export type Registry = client.Registry;

/**
 * The metrics of one worker. The cluster primary sums every worker's registry into the
 * instance's /metrics (see cluster/metrics-server.ts); labels never carry user or key ids.
 */
export function createMetrics(registry: client.Registry) {
  client.collectDefaultMetrics({ register: registry });
  // Into this worker's registry only: the cluster primary sums the workers' (a global one would count twice).
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new client.Counter<L>({ name, help, labelNames, registers: [registry] });

  const httpRequests = counter('http_requests_total', 'HTTP requests answered, by route pattern, method and status.', ['route', 'method', 'status']);
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to the end of the response (streams included).',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  const gateway = {
    upstreamDuration: new client.Histogram({
      name: 'gateway_upstream_duration_seconds',
      help: 'Time from sending a request upstream to the end of its answer.',
      labelNames: ['api', 'outcome'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    timeToFirstByte: new client.Histogram({
      name: 'gateway_time_to_first_byte_seconds',
      help: 'Time from a request arriving to its first response byte leaving the gateway.',
      labelNames: ['api', 'stream'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    tokens: counter('gateway_tokens_total', 'Tokens metered, by kind (prompt, completion).', ['kind']),
    quotaRejections: counter(
      'gateway_quota_rejections_total',
      'Requests refused before the upstream: a limit (requests, tokens, credits, rate, streams), no_package, model (not in the plan), unknown_model (not in the catalogue).',
      ['reason'],
    ),
    refusals: counter(
      'gateway_refusals_total',
      "Metered requests refused with 401, 403 or 429, by status, code and whether a row was written: recorded (the key's owner sees it), capped (past REFUSALS_PER_KEY_MINUTE), anonymous (no known key: counted here only).",
      ['status', 'code', 'recorded'],
    ),
    activeStreams: new client.Gauge({
      name: 'gateway_active_streams',
      help: 'Streaming responses being relayed right now.',
      registers: [registry],
    }),
    redisFallbacks: counter(
      'gateway_redis_fallbacks_total',
      'Quota checks and usage records that went to Postgres because Redis could not take them, by use (quota, usage) and reason (down, oom, readonly…).',
      ['use', 'reason'],
    ),
    upstreamAttempts: counter('gateway_upstream_attempts_total', 'Requests sent to an upstream channel, by outcome (ok, http_5xx, error, timeout).', [
      'channel',
      'outcome',
    ]),
    accountMails: counter(
      'gateway_account_mails_total',
      'Mail jobs handled: the console (verify, reset, signup-taken) and customer notices (receipt, limit-warning, package-ending), by outcome: sent, capped (the hourly cap of the address), failed, skipped (no account in that state, or the notice turned off), duplicate (a notice already sent), expired (queued too long).',
      ['kind', 'outcome'],
    ),
    channelEvents: counter(
      'gateway_channel_events_total',
      "Changes of a channel's health seen by this instance: opened (cooling down), closed (back in use), disabled (the upstream refused its key).",
      ['channel', 'event'],
    ),
  };

  const dbQueryDuration = new client.Histogram({
    name: 'db_query_duration_seconds',
    help: 'Duration of queries through the pools (transactions count per statement run on a pooled client only).',
    labelNames: ['pool'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  function observeHttp(req: IncomingMessage, res: ServerResponse, route: () => string): void {
    const end = httpDuration.startTimer();
    res.once('close', () => {
      const labels = { route: route(), method: req.method ?? '' };
      httpRequests.inc({ ...labels, status: String(res.statusCode) });
      end(labels);
    });
  }

  return {
    registry,
    gateway,
    observeQuery: (pool: 'primary' | 'replica', seconds: number) => dbQueryDuration.observe({ pool }, seconds),
    /** Counts every response once it has finished or the client went away. */
    httpMiddleware(): RequestHandler {
      return (req, res, next) => {
        // The route pattern (not the raw path) keeps label values bounded.
        observeHttp(req, res, () => (req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched'));
        next();
      };
    },
    /** The same, for a request a route answers without the router (its pattern known in advance). */
    observeHttp,
    /**
     * Per channel in routing, how many of the models it lists the catalogue does not price
     * (the gateway refuses them): read at scrape time. The label is the channel's name,
     * which staff choose, never a model name a customer sent. The workers agree, so the
     * instance shows their maximum, not their sum.
     */
    observeUnpricedChannels(read: () => Promise<Array<{ channel: string; unpriced: number }>>): void {
      new client.Gauge({
        name: 'gateway_channel_unpriced_models',
        help: 'Models a channel in routing lists that the model catalogue does not price (requests for them are refused); by channel.',
        labelNames: ['channel'] as const,
        registers: [registry],
        aggregator: 'max',
        async collect() {
          const counts = await read().catch(() => undefined);
          if (!counts) return;
          // A channel removed since the last scrape leaves the gauge.
          this.reset();
          for (const { channel, unpriced } of counts) this.set({ channel }, unpriced);
        },
      });
    },
    /** Pool gauges read at scrape time. */
    observePools(pools: Pools): void {
      new client.Gauge({
        name: 'db_pool_connections',
        help: 'Connections of the database pools by state (total, idle, waiting clients).',
        labelNames: ['pool', 'state'] as const,
        registers: [registry],
        collect() {
          for (const [name, pool] of [
            ['primary', pools.primary],
            ['replica', pools.replica],
          ] as const) {
            this.set({ pool: name, state: 'total' }, pool.totalCount);
            this.set({ pool: name, state: 'idle' }, pool.idleCount);
            this.set({ pool: name, state: 'waiting' }, pool.waitingCount);
          }
        },
      });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
