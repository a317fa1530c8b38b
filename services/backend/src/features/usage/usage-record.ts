/** One relayed request, as it travels through the usage stream into usage_logs. */
export interface UsageRecord {
  requestId: string;
  userId: number;
  apiKeyId: number;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Of the prompt tokens, those written to the upstream's prompt cache. */
  cacheWriteTokens: number;
  /** What the request was billed by besides tokens (images, seconds, characters), or '' for tokens alone. */
  unit: string;
  units: number;
  reasoningTokens: number;
  /** Micro-dollars, at the price in force when it was served. */
  costMicros: number;
  /** The channel that served it (empty: none did). */
  channel: string;
  statusCode: number;
  latencyMs: number;
  stream: boolean;
  /** Epoch ms of the request's arrival: part of usage_logs' key, so replays collide. */
  createdAt: number;
  /** The business day it counts towards in daily_usage. */
  usageDate: string;
  /** Served: a request of its day (false for requests that were not served). */
  billed: boolean;
  /**
   * Already counted in daily_usage.request_count by the quota (taken in Postgres while
   * Redis was away): "count each served request once", daily-usage-store.ts.
   */
  requestCounted: boolean;
  /**
   * The error code of a refusal before the upstream (401/403/429: refusal-recorder.ts), or
   * empty for a request that went upstream. A refusal has no tokens, no cost, and is never
   * added to daily_usage.
   */
  refusal: string;
}

export const USAGE_STREAM = 'cg:usage';
export const USAGE_GROUP = 'flushers';

/** Flat field/value list for XADD. */
export function toStreamFields(r: UsageRecord): string[] {
  return [
    'id',
    r.requestId,
    'u',
    String(r.userId),
    'k',
    String(r.apiKeyId),
    'm',
    r.model,
    'pt',
    String(r.promptTokens),
    'ct',
    String(r.completionTokens),
    'cc',
    String(r.cachedTokens),
    'rt',
    String(r.reasoningTokens),
    'cw',
    String(r.cacheWriteTokens),
    'un',
    r.unit,
    'uc',
    String(r.units),
    'cost',
    String(r.costMicros),
    'ch',
    r.channel,
    's',
    String(r.statusCode),
    'l',
    String(r.latencyMs),
    'st',
    r.stream ? '1' : '0',
    't',
    String(r.createdAt),
    'd',
    r.usageDate,
    'b',
    r.billed ? '1' : '0',
    'rc',
    r.requestCounted ? '1' : '0',
    'rf',
    r.refusal,
  ];
}

/** Back from XREADGROUP's field list; undefined for an entry that is not a usage record. */
export function fromStreamFields(fields: string[]): UsageRecord | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  const record: UsageRecord = {
    requestId: f.id ?? '',
    userId: Number(f.u),
    apiKeyId: Number(f.k),
    model: f.m ?? '',
    promptTokens: Number(f.pt),
    completionTokens: Number(f.ct),
    // Records written before these fields existed carry none.
    cachedTokens: Number(f.cc ?? 0),
    reasoningTokens: Number(f.rt ?? 0),
    cacheWriteTokens: Number(f.cw ?? 0),
    unit: f.un ?? '',
    units: Number(f.uc ?? 0),
    costMicros: Number(f.cost ?? 0),
    channel: f.ch ?? '',
    statusCode: Number(f.s),
    latencyMs: Number(f.l),
    stream: f.st === '1',
    createdAt: Number(f.t),
    usageDate: f.d ?? '',
    billed: f.b === '1',
    requestCounted: f.rc === '1',
    refusal: f.rf ?? '',
  };
  const numbersOk = [
    record.userId,
    record.apiKeyId,
    record.promptTokens,
    record.completionTokens,
    record.cachedTokens,
    record.reasoningTokens,
    record.cacheWriteTokens,
    record.units,
    record.costMicros,
    record.statusCode,
    record.latencyMs,
    record.createdAt,
  ].every(Number.isFinite);
  return record.requestId && numbersOk && /^\d{4}-\d{2}-\d{2}$/.test(record.usageDate) ? record : undefined;
}
