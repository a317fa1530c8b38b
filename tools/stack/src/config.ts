import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { freePort } from './ports.js';
import { REPO_ROOT } from './paths.js';
import type { StackPorts } from './stack.js';

const port = z.coerce.number().int().min(1).max(65535);

/** Settings of the native stack (npm start); the backends' own settings pass through. */
const stackEnv = z.object({
  STACK_DIR: z.string().default(path.join(REPO_ROOT, '.stack')).describe('Where the stack keeps data, logs, secrets and stack.json.'),
  BACKENDS: z.coerce.number().int().min(1).max(32).default(2).describe('Backend replicas behind nginx.'),
  WORKERS: z.coerce.number().int().min(1).max(64).optional().describe('Workers per backend replica; by default the CPUs shared out among the replicas.'),
  GATEWAY_PORT: port.default(12322).describe('nginx, the public port.'),
  BACKEND_PORT_BASE: port.default(12401).describe('Backend N listens on BACKEND_PORT_BASE + N - 1.'),
  METRICS_PORT_BASE: port.default(12501).describe('Backend N serves /metrics on METRICS_PORT_BASE + N - 1.'),
  MOCK_UPSTREAM_PORT: port.default(12399).describe('The bundled mock upstream (when no real upstream is set).'),
  PROMETHEUS_PORT: port.default(9090).describe('Prometheus of `npm start -- --monitoring`.'),
  FAKE_PAYMENTS_PORT: port.default(12398).describe('The bundled fake Stripe and EPay (when no payment credentials are set).'),
  MAIL_CATCHER_SMTP_PORT: port.default(12325).describe('SMTP port of the bundled mail catcher (when SMTP_URL is not set).'),
  MAIL_CATCHER_HTTP_PORT: port.default(12326).describe("The mail catcher's HTTP API: the mails it caught."),
  PG_PRIMARY_PORT: port.default(15432).describe('Postgres primary.'),
  PG_REPLICA_PORT: port.default(15433).describe('Postgres streaming replica.'),
  REDIS_PORT: port.default(16379).describe('Redis.'),
  LOG_LEVEL: z.string().default('info').describe('Backend log level in the local stack.'),
  EDGE_RATE_LIMITS: z
    .enum(['on', 'off'])
    .default('on')
    .describe("nginx's per-address limits on sign-in, sign-up, password resets and the key check; npm test turns them off (every test comes from 127.0.0.1)."),
  UPSTREAM_BASE_URL: z.string().url().optional().describe('A real OpenAI-compatible provider (with UPSTREAM_API_KEY); otherwise the mock upstream.'),
  UPSTREAM_API_KEY: z.string().optional(),
});

export type StackEnv = z.infer<typeof stackEnv>;

/**
 * Workers per backend when WORKERS is unset: the CPUs shared out among the replicas (at
 * least one each). On one machine more processes than cores only add switching:
 * npm run bench measured 2481 req/s with 2 backends × 1 worker on 2 CPUs against 1703
 * with 2 × 2.
 */
export function workersPerBackend(env: StackEnv): number {
  return env.WORKERS ?? Math.max(1, Math.floor(os.availableParallelism() / env.BACKENDS));
}

/** The stack's own variable names, for the README check. */
export const STACK_ENV_NAMES = Object.keys(stackEnv.shape);

export function readStackEnv(env: NodeJS.ProcessEnv = process.env): StackEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = stackEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(`invalid stack settings:\n  - ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  - ')}`);
  }
  if (parsed.data.UPSTREAM_BASE_URL && !parsed.data.UPSTREAM_API_KEY) {
    throw new Error('UPSTREAM_BASE_URL is set but UPSTREAM_API_KEY is not: set both to use a real provider, or neither for the mock.');
  }
  return parsed.data;
}

/** The documented fixed ports of a developer's stack. */
export function fixedPorts(env: StackEnv): StackPorts {
  return {
    gateway: env.GATEWAY_PORT,
    upstream: env.MOCK_UPSTREAM_PORT,
    pgPrimary: env.PG_PRIMARY_PORT,
    pgReplica: env.PG_REPLICA_PORT,
    redis: env.REDIS_PORT,
    payments: env.FAKE_PAYMENTS_PORT,
    mailSmtp: env.MAIL_CATCHER_SMTP_PORT,
    mailHttp: env.MAIL_CATCHER_HTTP_PORT,
    prometheus: env.PROMETHEUS_PORT,
    backends: Array.from({ length: env.BACKENDS }, (_, i) => ({ port: env.BACKEND_PORT_BASE + i, metricsPort: env.METRICS_PORT_BASE + i })),
  };
}

/** Ports the kernel hands out, so a test run never collides with a running stack. */
export async function randomPorts(backends: number): Promise<StackPorts> {
  const taken = new Set<number>();
  // Each port is released before the next is asked for; refuse the rare repeat.
  const next = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  return {
    gateway: await next(),
    upstream: await next(),
    pgPrimary: await next(),
    pgReplica: await next(),
    redis: await next(),
    payments: await next(),
    mailSmtp: await next(),
    mailHttp: await next(),
    prometheus: await next(),
    backends: await Promise.all(Array.from({ length: backends }, async () => ({ port: await next(), metricsPort: await next() }))),
  };
}
