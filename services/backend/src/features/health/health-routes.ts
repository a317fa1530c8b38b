import type { Router } from 'express';
import type { Pools } from '../../infra/db.js';
import type { Redis } from '../../infra/redis.js';
import type { Logger } from '../../infra/logger.js';
import { type Access, createRouter, route } from '../../infra/routes.js';
import { withTimeout } from '../../infra/timeout.js';

/** Load balancers and orchestrators ask; nginx keeps /readyz off the public port. */
const PROBES: Access = { name: 'anyone', description: 'Anyone who reaches the port (load balancers, orchestrators).', security: [], check: () => undefined };

const CHECK_TIMEOUT_MS = 1500;

type CheckResult = { ok: boolean; ms: number };

/** A dependency's check; why it failed goes to the log (once per change), never to the public answer. */
async function timed(name: string, fn: () => Promise<unknown>, report: (name: string, err?: Error) => void): Promise<CheckResult> {
  const started = performance.now();
  try {
    await withTimeout(fn(), CHECK_TIMEOUT_MS);
    report(name);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    report(name, err as Error);
    return { ok: false, ms: Math.round(performance.now() - started) };
  }
}

/** The primary pool reaches a server that takes writes (behind HAProxy, a former leader may still answer). */
async function writablePrimary(pools: Pools): Promise<void> {
  const { rows } = await pools.primary.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
  if (rows[0]?.standby) throw new Error('the primary pool reaches a standby: it takes no writes');
}

/** Redis answers as a master (a demoted one still answers PING, as a replica refusing writes). */
async function redisMaster(redis: Redis): Promise<void> {
  const [role] = (await redis.role()) as [string, ...unknown[]];
  if (role !== 'master') throw new Error(`redis answers as a ${role}, not the master`);
}

/**
 * /healthz: the process is up and takes new requests (for restarts and for the compose
 * nginx's backend list); 503 "draining" once it is shutting down. /readyz: it can serve:
 * a primary that takes writes, the replica and a Redis master all answer; otherwise 503
 * naming what failed (during a leader change or a Sentinel failover, until it is over).
 */
export function createHealthRoutes(deps: { pools: Pools; redis: Redis; instanceId: string; logger: Logger; isDraining: () => boolean }): Router {
  const router = createRouter();
  const down = new Set<string>();
  const report = (name: string, err?: Error) => {
    if (err && !down.has(name)) deps.logger.warn({ dependency: name, err: err.message }, 'readiness check failed');
    if (!err && down.has(name)) deps.logger.warn({ dependency: name }, 'readiness check passes again');
    if (err) down.add(name);
    else down.delete(name);
  };

  route(router, 'get', '/healthz', { access: PROBES, summary: 'Liveness (503 "draining" while shutting down)' }, (_in, res) => {
    const draining = deps.isDraining();
    res.status(draining ? 503 : 200).json({ status: draining ? 'draining' : 'ok', instance: deps.instanceId, pid: process.pid });
  });

  route(router, 'get', '/readyz', { access: PROBES, summary: 'Readiness: a writable primary, the replica and a Redis master answer' }, async (_in, res) => {
    const [primary, replica, redis] = await Promise.all([
      timed('primary', () => writablePrimary(deps.pools), report),
      timed('replica', () => deps.pools.replica.query('SELECT 1'), report),
      timed('redis', () => redisMaster(deps.redis), report),
    ]);
    const checks = { primary, replica, redis };
    const failed = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    res.status(failed.length ? 503 : 200).json({
      status: failed.length ? 'unavailable' : 'ready',
      instance: deps.instanceId,
      failed,
      checks,
    });
  });

  return router;
}
