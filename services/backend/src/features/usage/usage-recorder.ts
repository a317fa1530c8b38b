import type { Pools } from '../../infra/db.js';
import type { Logger } from '../../infra/logger.js';
import { redisUnavailableReason, type Redis } from '../../infra/redis.js';
import { toStreamFields, USAGE_STREAM, type UsageRecord } from './usage-record.js';
import { writeUsageBatch } from './usage-store.js';

/**
 * Hands a usage record to the Redis stream (AOF-persisted), from which the flushers write
 * Postgres in batches. When Redis cannot take it, the record goes straight to Postgres:
 * nothing relayed goes unrecorded.
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
  return {
    async record(record: UsageRecord): Promise<void> {
      try {
        await redis.xadd(USAGE_STREAM, '*', ...toStreamFields(record));
      } catch (err) {
        onRedisFallback?.(redisUnavailableReason(err) ?? 'error');
        logger.warn({ err: (err as Error).message, requestId: record.requestId }, 'usage stream unavailable; writing the record to Postgres');
        await writeUsageBatch(pools.primary, [record]);
      }
    },
  };
}

export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
