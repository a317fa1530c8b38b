import { idempotent, type Pools } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { redisUnavailableReason, type Redis } from '../../infra/redis.js';
import { toStreamFields, USAGE_STREAM, type UsageRecord } from './usage-record.js';
import { writeUsageBatch } from './usage-store.js';

/**
 * How long a worker keeps a copy of what it put in the usage stream. The flushers read the
 * stream continuously (USAGE_FLUSH_INTERVAL_MS is well under this), so older records are in
 * Postgres unless Postgres itself was away.
 */
const RECENT_MS = 10_000;
const HANDOVER_BATCH = 500;

/**
 * Hands a usage record to the Redis stream (AOF-persisted), from which the flushers write
 * Postgres in batches. When Redis cannot take it, the record goes straight to Postgres:
 * nothing relayed goes unrecorded. When Redis is lost, `handOver` writes the records the
 * stream may still hold to Postgres too, so that the quota's fallback counts them. When
 * Postgres cannot take them either (the node that held the Redis master and the Postgres
 * leader is gone), they are kept and written as soon as Postgres has a leader again.
 */
export function createUsageRecorder({
  redis,
  pools,
  logger,
  onRedisFallback,
}: {
  redis: Redis;
  pools: Pools;
  logger: Logger;
  onRedisFallback?: (reason: string) => void;
}) {
  // Usage records are keyed by their request id: one sent twice is written once.
  const books = idempotent(pools.primary);
  // Oldest first; `head` skips the expired ones until they are cut off in one go.
  let recent: Array<{ at: number; record: UsageRecord }> = [];
  let head = 0;
  const forget = (now: number) => {
    while (head < recent.length && recent[head]!.at < now - RECENT_MS) head += 1;
    if (head > 1024 && head * 2 > recent.length) {
      recent = recent.slice(head);
      head = 0;
    }
  };

  // Records neither Redis nor Postgres could take: written, in order, once Postgres answers.
  let owed: UsageRecord[] = [];
  let retry: NodeJS.Timeout | undefined;
  let paying = false;
  const owe = (records: UsageRecord[], err: unknown) => {
    if (!owed.length) logger.error({ err: (err as Error).message, records: records.length }, 'usage records kept until Postgres answers');
    owed.push(...records);
    retry ??= setInterval(() => void payOwed(), 1000).unref();
  };
  async function payOwed(): Promise<void> {
    if (paying) return;
    paying = true;
    try {
      while (owed.length) {
        const batch = owed.slice(0, HANDOVER_BATCH);
        await writeUsageBatch(books, batch);
        owed = owed.slice(batch.length);
      }
      clearInterval(retry);
      retry = undefined;
      logger.warn('kept usage records written to Postgres');
    } catch {
      // Still away: the next tick tries again.
    } finally {
      paying = false;
    }
  }

  return {
    async record(record: UsageRecord): Promise<void> {
      const now = Date.now();
      forget(now);
      recent.push({ at: now, record });
      try {
        await redis.xadd(USAGE_STREAM, '*', ...toStreamFields(record));
      } catch (err) {
        onRedisFallback?.(redisUnavailableReason(err) ?? 'error');
        logger.warn({ err: (err as Error).message, requestId: record.requestId }, 'usage stream unavailable; writing the record to Postgres');
        await writeUsageBatch(books, [record]).catch((pgErr) => owe([record], pgErr));
      }
    },

    /** Writes what this worker put in the stream lately to Postgres (records already there are skipped). */
    async handOver(): Promise<void> {
      forget(Date.now());
      const records = recent.slice(head).map((r) => r.record);
      recent = [];
      head = 0;
      for (let i = 0; i < records.length; i += HANDOVER_BATCH) {
        try {
          await writeUsageBatch(books, records.slice(i, i + HANDOVER_BATCH));
        } catch (err) {
          owe(records.slice(i), err);
          return;
        }
      }
    },
  };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
