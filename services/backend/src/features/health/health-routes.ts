import { Router } from 'express';
import type { Pools } from '../../infra/db.js';
import type { Redis } from '../../infra/redis.js';
import { withTimeout } from '../../infra/timeout.js';

const CHECK_TIMEOUT_MS = 1500;

type CheckResult = { ok: true; ms: number } | { ok: false; ms: number; error: string };

async function timed(fn: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  try {
    await withTimeout(fn(), CHECK_TIMEOUT_MS);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message || 'unreachable' };
  }
}

/**
 * /healthz: the process is up (for restarts). /readyz: it can serve (for load balancers):
 * the primary, the replica and Redis all answer; otherwise 503 naming what failed.
 */
export function createHealthRoutes(deps: { pools: Pools; redis: Redis; instanceId: string }): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', instance: deps.instanceId, pid: process.pid });
  });

  router.get('/readyz', async (_req, res) => {
    const [primary, replica, redis] = await Promise.all([
      timed(() => deps.pools.primary.query('SELECT 1')),
      timed(() => deps.pools.replica.query('SELECT 1')),
      timed(() => deps.redis.ping()),
    ]);
    const checks = { primary, replica, redis };
    const failed = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
    res.status(failed.length ? 503 : 200).json({
      status: failed.length ? 'unavailable' : 'ready',
      instance: deps.instanceId,
      failed,
      checks,
    });
  });

  return router;
}
