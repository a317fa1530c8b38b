import type { Pool } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import type { Redis } from '../../infra/redis.js';
import type { DeadLetters } from './usage-dead-letters.js';
import { fromStreamFields, USAGE_GROUP, USAGE_STREAM, type UsageRecord } from './usage-record.js';
import { touchKeys, writeUsageBatch } from './usage-store.js';

type StreamEntry = [id: string, fields: string[]];
type Parsed = { id: string; fields: string[]; record: UsageRecord };

/**
 * Errors of the data, not of the database: Postgres will refuse this batch however often
 * it is sent (SQLSTATE classes 22 data exception, 23 integrity, 54 program limit).
 */
function refusedData(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

interface FlusherDeps {
  /** A connection of its own: XREADGROUP blocks it. */
  redis: Redis;
  pool: Pool;
  logger: Logger;
  consumer: string;
  batchSize: number;
  /** Pause after a batch smaller than batchSize, so that records gather into larger writes. */
  intervalMs: number;
  claimIdleMs: number;
  deadLetters: DeadLetters;
  /** Called for every record set aside (a metric). */
  onDeadLetter?: () => void;
  /** Told of every batch written (the limit warnings watch whose usage grew); must not throw or wait. */
  onWritten?: (records: UsageRecord[]) => void;
}

/**
 * Moves usage records from the Redis stream into Postgres. Each backend instance runs one,
 * as a consumer of one group: an entry is read by one flusher, written (idempotently) and
 * only then acknowledged and deleted. Entries a dead flusher had read but not acknowledged
 * are taken over (XAUTOCLAIM) once idle for claimIdleMs.
 */
export function createUsageFlusher({ redis, pool, logger, consumer, batchSize, intervalMs, claimIdleMs, deadLetters, onDeadLetter, onWritten }: FlusherDeps) {
  let running = false;
  let loop: Promise<void> | undefined;
  let lastClaim = 0;

  async function ensureGroup() {
    try {
      await redis.xgroup('CREATE', USAGE_STREAM, USAGE_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }

  async function setAside(id: string, fields: string[], reason: string) {
    await deadLetters.add(id, fields, reason);
    onDeadLetter?.();
    logger.error({ entry: id, reason }, 'usage record set aside as a dead letter');
  }

  /**
   * Writes the records; a batch Postgres refuses for its data is halved until the record
   * at fault is alone, which becomes a dead letter, and every other record is written. A
   * database that does not answer fails the whole batch, to be retried as it is (writes
   * are idempotent, so halves already written are not counted twice).
   */
  async function writeIsolating(batch: Parsed[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await writeUsageBatch(
        pool,
        batch.map((p) => p.record),
      );
    } catch (err) {
      if (!refusedData(err)) throw err;
      if (batch.length === 1) return setAside(batch[0]!.id, batch[0]!.fields, `postgres refused it: ${(err as Error).message}`);
      const half = Math.ceil(batch.length / 2);
      await writeIsolating(batch.slice(0, half));
      await writeIsolating(batch.slice(half));
    }
  }

  /** Writes one batch and acknowledges it; returns how many entries it handled. */
  async function handle(entries: StreamEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const batch: Parsed[] = [];
    for (const [id, fields] of entries) {
      const record = fromStreamFields(fields);
      if (record) batch.push({ id, fields, record });
      else await setAside(id, fields, 'not a usage record');
    }
    await writeIsolating(batch);
    // When each key was last used (shown in the console): best effort, never holds the books up.
    await touchKeys(
      pool,
      batch.map((p) => p.record),
    ).catch((err) => logger.warn({ err: (err as Error).message }, "could not update the keys' last use"));
    const ids = entries.map(([id]) => id);
    await redis
      .multi()
      .xack(USAGE_STREAM, USAGE_GROUP, ...ids)
      .xdel(USAGE_STREAM, ...ids)
      .exec();
    if (batch.length > 0) onWritten?.(batch.map((p) => p.record));
    return entries.length;
  }

  async function claimAbandoned(): Promise<number> {
    const [, claimed] = (await redis.xautoclaim(USAGE_STREAM, USAGE_GROUP, consumer, claimIdleMs, '0-0', 'COUNT', batchSize)) as [string, StreamEntry[]];
    return handle(claimed.filter((e) => e?.[1]));
  }

  async function readNew(blockMs: number): Promise<number> {
    const reply = (await redis.xreadgroup('GROUP', USAGE_GROUP, consumer, 'COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', USAGE_STREAM, '>')) as Array<
      [string, StreamEntry[]]
    > | null;
    return handle(reply?.[0]?.[1] ?? []);
  }

  /** Our own entries left unacknowledged (a batch that failed to write) come back first. */
  async function retryOwn(): Promise<number> {
    const reply = (await redis.xreadgroup('GROUP', USAGE_GROUP, consumer, 'COUNT', batchSize, 'STREAMS', USAGE_STREAM, '0')) as Array<
      [string, StreamEntry[]]
    > | null;
    return handle(reply?.[0]?.[1] ?? []);
  }

  /** Sleeps, but wakes at once when stop() is called. */
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function run() {
    let failures = 0;
    let grouped = false;
    while (running) {
      try {
        if (!grouped) {
          await ensureGroup();
          grouped = true;
        }
        if (failures > 0) await retryOwn();
        if (Date.now() - lastClaim > claimIdleMs / 3) {
          lastClaim = Date.now();
          await claimAbandoned();
        }
        const read = await readNew(1000);
        failures = 0;
        // A Postgres transaction (and a Redis acknowledgement) per record or two would cost
        // more than the requests themselves; under load, wait for a batch to gather.
        if (read > 0 && read < batchSize && intervalMs > 0 && running) await pause(intervalMs);
      } catch (err) {
        failures += 1;
        if (failures === 1 || failures % 50 === 0) logger.error({ err: (err as Error).message, failures }, 'usage flush failed; retrying');
        if (String((err as Error).message).includes('NOGROUP')) grouped = false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * failures, 2000)));
      }
    }
  }

  return {
    /** Starts the loop; a Redis that is not there yet is waited for inside it. */
    start() {
      running = true;
      loop = run();
    },
    /** Stops after the batch in hand, then writes what is left of its own. */
    async stop() {
      running = false;
      wake?.();
      await loop;
      try {
        while ((await retryOwn()) > 0);
        while ((await readNew(1)) > 0);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'final usage flush incomplete; another flusher will take it over');
      }
    },
    /** Entries not yet in Postgres: delivered but unacknowledged, plus not yet delivered. */
    async backlog(): Promise<number> {
      const groups = (await redis.xinfo('GROUPS', USAGE_STREAM)) as Array<Array<string | number>>;
      for (const g of groups) {
        const info: Record<string, string | number> = {};
        for (let i = 0; i + 1 < g.length; i += 2) info[String(g[i])] = g[i + 1]!;
        if (info.name === USAGE_GROUP) return Number(info.pending ?? 0) + Number(info.lag ?? 0);
      }
      return 0;
    },
  };
}

export type UsageFlusher = ReturnType<typeof createUsageFlusher>;
