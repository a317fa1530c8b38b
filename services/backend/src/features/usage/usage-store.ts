import type { Queryable } from '../../infra/db.js';
import { ADD_RECORDS, addsRequest } from './daily-usage-store.js';
import type { UsageRecord } from './usage-record.js';

/**
 * Writes usage records and adds them to daily_usage (daily-usage-store.ts), in one statement, idempotently: a
 * record already in usage_logs (same request id and time) is skipped and not counted
 * again, so a batch re-delivered after a crash changes nothing.
 */
const WRITE_BATCH = `
WITH input AS (
  -- A record delivered twice in one batch (read, then reclaimed) counts once.
  SELECT DISTINCT ON (request_id, created_at) * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::int[],
                       $7::smallint[], $8::int[], $9::bool[], $10::timestamptz[], $11::date[], $12::bool[],
                       $13::int[], $14::int[], $15::bigint[], $16::text[], $17::text[], $18::int[], $19::text[], $20::bigint[])
    AS t(request_id, user_id, api_key_id, model, prompt_tokens, completion_tokens,
         status_code, latency_ms, stream, created_at, usage_date, adds_request,
         cached_tokens, reasoning_tokens, cost_micros, channel, refusal, cache_write_tokens, unit, units)
), inserted AS (
  INSERT INTO usage_logs (request_id, user_id, api_key_id, model, prompt_tokens, completion_tokens,
                          total_tokens, status_code, latency_ms, stream, created_at,
                          cached_tokens, reasoning_tokens, cost_micros, channel, refusal, cache_write_tokens, unit, units)
  SELECT request_id, user_id, api_key_id, model, prompt_tokens, completion_tokens,
         prompt_tokens + completion_tokens, status_code, latency_ms, stream, created_at,
         cached_tokens, reasoning_tokens, cost_micros, nullif(channel, ''), nullif(refusal, ''), cache_write_tokens, nullif(unit, ''), units
    FROM input
  ON CONFLICT DO NOTHING
  RETURNING request_id, created_at
)
${ADD_RECORDS}`;

export async function writeUsageBatch(db: Queryable, records: UsageRecord[]): Promise<void> {
  if (records.length === 0) return;
  const col = <T>(pick: (r: UsageRecord) => T) => records.map(pick);
  await db.query(WRITE_BATCH, [
    col((r) => r.requestId),
    col((r) => r.userId),
    col((r) => r.apiKeyId),
    col((r) => r.model),
    col((r) => r.promptTokens),
    col((r) => r.completionTokens),
    col((r) => r.statusCode),
    col((r) => r.latencyMs),
    col((r) => r.stream),
    col((r) => new Date(r.createdAt)),
    col((r) => r.usageDate),
    col(addsRequest),
    col((r) => r.cachedTokens),
    col((r) => r.reasoningTokens),
    col((r) => r.costMicros),
    col((r) => r.channel),
    col((r) => r.refusal),
    col((r) => r.cacheWriteTokens),
    col((r) => r.unit),
    col((r) => r.units),
  ]);
}

/**
 * Marks when each key of the batch was last used (a refused attempt is no use). Rows another flusher holds are skipped
 * (it writes a time as recent), so two flushers never wait on or deadlock with each other.
 */
export async function touchKeys(db: Queryable, records: UsageRecord[]): Promise<void> {
  const latest = new Map<number, number>();
  for (const r of records) {
    if (!r.apiKeyId || r.refusal) continue;
    const at = new Date(r.createdAt).getTime();
    if (at > (latest.get(r.apiKeyId) ?? 0)) latest.set(r.apiKeyId, at);
  }
  if (latest.size === 0) return;
  await db.query(
    `UPDATE api_keys k SET last_used_at = t.at
       FROM unnest($1::bigint[], $2::timestamptz[]) AS t(id, at)
      WHERE k.id = t.id
        AND k.id IN (SELECT id FROM api_keys WHERE id = ANY($1) ORDER BY id FOR UPDATE SKIP LOCKED)
        AND (k.last_used_at IS NULL OR k.last_used_at < t.at)`,
    [[...latest.keys()], [...latest.values()].map((ms) => new Date(ms))],
  );
}
