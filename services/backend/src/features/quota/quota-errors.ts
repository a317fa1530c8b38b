import { HttpError, NO_RETRY } from '../../infra/errors.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { isoInZone, nextMidnight, periodEndsAt } from '../../domain/business-day.js';
import { refusalCode } from './limit-decision.js';
import { type LimitUnit, type LimitWindow, windowLimits } from './limit-windows.js';

/** The per-minute window of the rate limit. */
export const RATE_WINDOW_MS = 60_000;

/**
 * The per-minute rate limit: the only refusal that a short wait fixes, so the only one
 * with a Retry-After (seconds, at most the window).
 */
export class RateLimitedError extends HttpError {
  constructor(message: string, retryAfterMs: number) {
    const seconds = Math.min(RATE_WINDOW_MS / 1000, Math.max(1, Math.ceil(retryAfterMs / 1000)));
    super(429, message, 'rate_limit_error', 'rate_limit_exceeded', { 'retry-after': String(seconds) });
  }
}

/**
 * A daily limit reached. Its type is the one the Codex CLI knows for a usage limit (it
 * stops and tells when the limit resets, from `resets_at`); SDKs see 429 and do not retry.
 */
export class DailyLimitError extends HttpError {
  constructor(message: string, code: string, resetsAt: Date) {
    super(429, message, 'usage_limit_reached', code, NO_RETRY);
    this.details = { resets_at: Math.floor(resetsAt.getTime() / 1000) };
  }
}

/** No package in effect: answered as OpenAI answers a customer without credit, so clients stop at once. */
export class NoActivePackageError extends HttpError {
  constructor() {
    super(429, 'This key has no active package today: buy or redeem a package to use the API.', 'insufficient_quota', 'insufficient_quota', NO_RETRY);
  }
}

/** A quota script's refusal {0, reason, window, used, resetMs} (limit-decision.ts's LimitRefusal, or the rate or open-stream limit). */
export type QuotaRefusal = [0, LimitUnit | 'rate' | 'streams', LimitWindow | 'minute' | 'key', number, number];

const ADJECTIVE: Record<LimitWindow, string> = { day: 'Daily', five_hour: '5-hour', week: 'Weekly' };

const dollars = (micros: number) => `$${(micros / 1e6).toFixed(6).replace(/\.?0+$/, '')}`;

/** What a refusal tells besides the numbers: the business day's zone, and where to buy more. */
export interface RefusalContext {
  timeZone: string;
  /** The console's Buy page. */
  buyUrl: string;
}

/**
 * The refusal for a quota script's answer {0, reason, window, used, resetMs}: the rate
 * limit (Retry-After), the open-stream limit, or a window's request, token or credit
 * limit with when it resets (resetMs 0: the business day's end, in the business time zone,
 * with its offset) and the way forward: wait, ask for less, or buy more.
 */
export function refusal(reply: QuotaRefusal, e: Entitlement, { timeZone, buyUrl }: RefusalContext): HttpError {
  const [, reason, window, used, resetMs] = reply;
  if (reason === 'rate') return new RateLimitedError(`Rate limit of ${e.rpmLimit} requests per minute reached for this key.`, resetMs);
  if (reason === 'streams') {
    return new HttpError(
      429,
      `This key already has ${used} streams open, the most its package allows (${e.maxConcurrentStreams}); wait for one to finish.`,
      'rate_limit_error',
      'concurrent_stream_limit_exceeded',
    );
  }
  const [w, unit] = [window as LimitWindow, reason as LimitUnit];
  const resetAt = resetMs > 0 ? new Date(resetMs) : nextMidnight(timeZone);
  const limit = windowLimits(e)[w][unit];
  const adjective = ADJECTIVE[w];
  const detail =
    reason === 'credits'
      ? `${adjective} credit limit of ${dollars(limit ?? 0)} reached (${dollars(used)} spent or reserved)`
      : reason === 'tokens'
        ? `${adjective} token limit of ${limit} reached (${used} used or reserved)`
        : `${adjective} request limit of ${limit} reached (${used} used)`;
  const endsAt = periodEndsAt(timeZone, e.endDate);
  const when = `${isoInZone(timeZone, resetAt)} (${timeZone})`;
  // A package bought now starts when the current one ends: buying helps today only when that comes first.
  const forward =
    endsAt <= resetAt
      ? `; your package ends before it resets, at ${isoInZone(timeZone, endsAt)} (${timeZone}). Buy a package to go on: ${buyUrl}`
      : `; it resets at ${when}. ${reason === 'requests' ? 'Wait until then' : 'Lower max_tokens or wait until then'}, or buy a package with higher limits (it starts when the current one ends, at ${isoInZone(timeZone, endsAt)}): ${buyUrl}`;
  return new DailyLimitError(`${detail}${forward}`, refusalCode(w, unit), resetAt);
}
