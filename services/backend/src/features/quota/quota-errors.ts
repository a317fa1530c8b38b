import { HttpError, NO_RETRY } from '../../infra/errors.js';
import type { Entitlement } from '../packages/user-package-store.js';
import { nextMidnight } from './business-day.js';

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

/** The refusal for a quota script's answer {0, reason, a, b}. */
export function refusal(reply: [0, 'rate' | 'requests' | 'tokens', number, number], e: Entitlement, timeZone: string): HttpError {
  const [, reason, a, b] = reply;
  if (reason === 'rate') return new RateLimitedError(`Rate limit of ${e.rpmLimit} requests per minute reached for this key.`, b);
  const resetAt = nextMidnight(timeZone);
  if (reason === 'requests') {
    return new DailyLimitError(
      `Daily request limit of ${e.dailyRequestLimit} reached (${a} used); it resets at ${resetAt.toISOString()}.`,
      'daily_request_limit_exceeded',
      resetAt,
    );
  }
  return new DailyLimitError(
    `Daily token limit of ${e.dailyTokenLimit} reached (${b} used or reserved); it resets at ${resetAt.toISOString()}. Lower max_tokens or wait.`,
    'daily_token_limit_exceeded',
    resetAt,
  );
}
