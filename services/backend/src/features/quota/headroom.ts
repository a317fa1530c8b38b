import type { Entitlement } from '../../domain/entitlement.js';
import { nextMidnight } from '../../domain/business-day.js';
import { ROLLING_WINDOWS, windowLimits } from './limit-windows.js';
import { RATE_WINDOW_MS } from './quota-errors.js';
import type { AdmittedCounts } from './quota-types.js';

/** One unit's tightest limit: its size, what is left of it, and when it resets (epoch ms). */
export interface UnitHeadroom {
  limit: number;
  remaining: number;
  resetAt: number;
}

/** What the rate-limit headers tell: for requests and for tokens, the window with the least left (none when the plan limits neither). */
export interface Headroom {
  requests: UnitHeadroom | undefined;
  tokens: UnitHeadroom | undefined;
}

/** Of the candidates, the one with the least left; the sooner reset breaks a tie. */
function tightest(candidates: UnitHeadroom[]): UnitHeadroom | undefined {
  let best: UnitHeadroom | undefined;
  for (const c of candidates) {
    if (!best || c.remaining < best.remaining || (c.remaining === best.remaining && c.resetAt < best.resetAt)) best = c;
  }
  return best;
}

const left = (limit: number, used: number, resetAt: number): UnitHeadroom => ({ limit, remaining: Math.max(0, limit - used), resetAt });

/**
 * The customer's headroom after an admission, from what the reserve script answered (no
 * extra round trip): every limited window of the plan (the key's minute, the business day,
 * 5 hours, the week), the tightest of each unit. Tokens count what is used and what
 * requests in flight reserved, as the limits do.
 */
export function headroomOf(e: Entitlement, counts: AdmittedCounts, timeZone: string, now = Date.now()): Headroom {
  const limits = windowLimits(e);
  const requests: UnitHeadroom[] = [];
  const tokens: UnitHeadroom[] = [];
  const dayEnds = nextMidnight(timeZone, new Date(now)).getTime();
  if (limits.day.requests !== null) requests.push(left(limits.day.requests, counts.day.requests, dayEnds));
  if (limits.day.tokens !== null) tokens.push(left(limits.day.tokens, counts.day.tokens, dayEnds));
  for (const { window, lengthMs } of ROLLING_WINDOWS) {
    const held = counts[window];
    if (!held) continue;
    const resetAt = held.start + lengthMs;
    if (limits[window].requests !== null) requests.push(left(limits[window].requests, held.requests, resetAt));
    if (limits[window].tokens !== null) tokens.push(left(limits[window].tokens, held.tokens, resetAt));
  }
  if (e.rpmLimit !== null && counts.minute) requests.push(left(e.rpmLimit, counts.minute.requests, counts.minute.start + RATE_WINDOW_MS));
  return { requests: tightest(requests), tokens: tightest(tokens) };
}
