import type { Headroom, UnitHeadroom } from '../quota/headroom.js';

/**
 * The rate-limit headers of a metered answer, as each API's provider sends them, from the
 * customer's headroom (quota/headroom.ts): OpenAI's `x-ratelimit-{limit,remaining,reset}-
 * {requests,tokens}` (reset as a duration, "1h2m3s"), Anthropic's
 * `anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}` (reset as an RFC 3339
 * time). A unit the plan does not limit has no headers.
 */

/** A duration as OpenAI writes it: 6m0s, 1h0m0s, 1.5s, 250ms. */
export function openAiDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const s = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${s}`;
  return minutes > 0 ? `${minutes}m${s}` : s;
}

export type Dialect = 'openai' | 'anthropic';

export function rateLimitHeaders(headroom: Headroom | undefined, dialect: Dialect, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!headroom) return headers;
  const put = (unit: 'requests' | 'tokens', h: UnitHeadroom | undefined) => {
    if (!h) return;
    if (dialect === 'anthropic') {
      headers[`anthropic-ratelimit-${unit}-limit`] = String(h.limit);
      headers[`anthropic-ratelimit-${unit}-remaining`] = String(h.remaining);
      headers[`anthropic-ratelimit-${unit}-reset`] = new Date(h.resetAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return;
    }
    headers[`x-ratelimit-limit-${unit}`] = String(h.limit);
    headers[`x-ratelimit-remaining-${unit}`] = String(h.remaining);
    headers[`x-ratelimit-reset-${unit}`] = openAiDuration(h.resetAt - now);
  };
  put('requests', headroom.requests);
  put('tokens', headroom.tokens);
  return headers;
}
