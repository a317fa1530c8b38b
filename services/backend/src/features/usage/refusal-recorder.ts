import { HttpError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import { businessDay } from '../../domain/business-day.js';
import type { UsageRecorder } from './usage-recorder.js';

/** The refusals of a metered request that its key's owner and the operator see: the key, the plan, a limit. */
const RECORDED_STATUSES = new Set([401, 403, 429]);
const WINDOW_MS = 60_000;
/** All keys together may have this many times one key's refusals recorded per worker and minute. */
const ALL_KEYS_FACTOR = 50;

/** Who a refused request belongs to, when it can be told: a real key (revoked, expired or valid). */
export interface RefusedCaller {
  userId: number;
  keyId: number;
}

export interface RefusalContext {
  /** Undefined: no known key (a guess, a typo, no key at all). */
  caller: RefusedCaller | undefined;
  requestId: string;
  /** The model asked for, when the body was read ('' for a key refused before it). */
  model: string;
  stream: boolean;
  /** Epoch ms of the request's arrival. */
  startedAt: number;
  /** The code to record in place of the one the client saw (a revoked key is answered as an unknown one). */
  code?: string;
}

/**
 * Records a metered request's refusal (401, 403, 429) as a usage record with no tokens and
 * no cost, through the usage stream and flusher like every other record, so that the
 * customer's ledger and the operator's search and error figures show it. The request is
 * not held up: the record is handed over without waiting.
 *
 * A refusal without a known key has no customer to show it to and is only counted in the
 * metric: a flood of guessed keys writes no row. A known key refused again and again (a
 * script looping on a 429, a leaked revoked key) has its first `perKeyMinute` refusals of
 * each minute recorded by each worker, and all keys together 50 times that; the rest are
 * counted in the metric only. The rows a refusal flood can write are thus bounded per
 * worker and minute, whatever its rate.
 */
export function createRefusalRecorder({
  recorder,
  metrics,
  logger,
  timeZone,
  perKeyMinute,
}: {
  recorder: Pick<UsageRecorder, 'record'>;
  metrics: Pick<Metrics, 'gateway'>;
  logger: Logger;
  timeZone: string;
  perKeyMinute: number;
}) {
  let windowStart = 0;
  let recordedInWindow = 0;
  const perKey = new Map<number, number>();

  /** True while this key (and the worker) are under their refusals per minute. */
  function admit(keyId: number, now: number): boolean {
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now;
      recordedInWindow = 0;
      perKey.clear();
    }
    const used = perKey.get(keyId) ?? 0;
    if (used >= perKeyMinute || recordedInWindow >= perKeyMinute * ALL_KEYS_FACTOR) return false;
    perKey.set(keyId, used + 1);
    recordedInWindow += 1;
    return true;
  }

  return {
    /** Notes `err` if it is a refusal worth recording; any other error is left alone. */
    refused(err: unknown, x: RefusalContext): void {
      if (!(err instanceof HttpError) || !RECORDED_STATUSES.has(err.status)) return;
      const code = x.code ?? err.code ?? err.type;
      const labels = { status: String(err.status), code };
      if (!x.caller) {
        metrics.gateway.refusals.inc({ ...labels, recorded: 'anonymous' });
        return;
      }
      const now = Date.now();
      if (!admit(x.caller.keyId, now)) {
        metrics.gateway.refusals.inc({ ...labels, recorded: 'capped' });
        return;
      }
      metrics.gateway.refusals.inc({ ...labels, recorded: 'recorded' });
      recorder
        .record({
          requestId: x.requestId,
          userId: x.caller.userId,
          apiKeyId: x.caller.keyId,
          model: x.model,
          promptTokens: 0,
          completionTokens: 0,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          unit: '',
          units: 0,
          reasoningTokens: 0,
          costMicros: 0,
          channel: '',
          statusCode: err.status,
          latencyMs: Math.max(0, now - x.startedAt),
          stream: x.stream,
          createdAt: x.startedAt,
          usageDate: businessDay(timeZone, new Date(x.startedAt)),
          billed: false,
          requestCounted: false,
          refusal: code,
        })
        .catch((e) => logger.warn({ err: (e as Error).message, requestId: x.requestId }, 'could not record a refusal'));
    },
  };
}

export type RefusalRecorder = ReturnType<typeof createRefusalRecorder>;
