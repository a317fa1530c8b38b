import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../infra/logger.js';
import type { DayBooks, Reservation } from './quota-types.js';

/**
 * How long a worker that lost Redis waits before its first admission in Postgres: every
 * other worker hands over in this time (they all see the connection drop at once, or
 * hear of the loss on the bus), so the fallback starts from a complete count.
 */
export const HANDOVER_GRACE_MS = 500;

/**
 * What makes the Postgres fallback exact. Redis's counters run ahead of daily_usage by the
 * requests in flight (admitted, not yet recorded) and by the records still waiting in the
 * usage stream, which a Redis that is away cannot hand to the flushers. So when Redis is
 * lost, every worker counts its in-flight requests in daily_usage (their usage records then
 * say so) and writes the records it recently put in the stream to Postgres itself (the
 * flushers skip them later: request ids are unique). Once per loss, until Redis is back.
 */
export function createRedisLossHandover({
  dailyUsage,
  handOverStream,
  logger,
  graceMs = HANDOVER_GRACE_MS,
}: {
  dailyUsage: Pick<DayBooks, 'countInFlight'>;
  /** Writes what this worker recently put in the usage stream to Postgres. */
  handOverStream: () => Promise<void>;
  logger: Logger;
  graceMs?: number;
}) {
  const inFlight = new Set<Reservation>();
  let handedOver: Promise<void> | undefined;

  async function handOver(): Promise<void> {
    const lostAt = Date.now();
    const counted = [...inFlight];
    inFlight.clear();
    // Marked before the write: a request that finishes meanwhile records itself as counted
    // ("count each served request once", daily-usage-store.ts).
    for (const r of counted) r.inPostgres = true;
    const results = await Promise.allSettled([dailyUsage.countInFlight(counted.map((r) => ({ userId: r.userId, day: r.day }))), handOverStream()]);
    for (const r of results) if (r.status === 'rejected') logger.error({ err: (r.reason as Error).message }, 'could not hand the quota over to Postgres');
    // Not counted after all (Postgres away too): their usage records count them instead.
    if (results[0].status === 'rejected') for (const r of counted) r.inPostgres = false;
    await sleep(Math.max(0, lostAt + graceMs - Date.now()));
  }

  return {
    /** A request Redis admitted and Postgres has not counted: counted there if Redis is lost before it is settled. */
    track(r: Reservation) {
      inFlight.add(r);
    },
    untrack(r: Reservation) {
      inFlight.delete(r);
    },
    /** Redis is lost: hands over (once until `reset`); resolves when the fallback may admit. */
    begin(): Promise<void> {
      handedOver ??= handOver();
      return handedOver;
    },
    /** Redis is back: the next loss hands over again. */
    reset() {
      handedOver = undefined;
    },
  };
}

export type RedisLossHandover = ReturnType<typeof createRedisLossHandover>;
