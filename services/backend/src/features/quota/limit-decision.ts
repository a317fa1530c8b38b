import { LIMIT_UNITS, type LimitUnit, type LimitWindow, type WindowLimits } from './limit-windows.js';

/**
 * The quota's one decision: may a request have what it asks of every window its plan
 * limits? Numbers in, verdict out, no I/O. Two engines fetch the numbers and store the
 * outcome: the Redis script (which cannot import this file, so its comparison is generated
 * from it: `luaDecision`) and the Postgres fallback. limit-decision.test.ts runs one table
 * of cases against this function and both engines, so they cannot drift apart.
 */

/** Counts in each unit (credits in micro-dollars). */
export type Amounts = Record<LimitUnit, number>;

/** One window as an engine found it. */
export interface WindowState {
  window: LimitWindow;
  limits: WindowLimits;
  /**
   * What the window holds already; undefined: a 5-hour or weekly window that has not
   * begun, and begins with this request. Such a window is not checked: a request that
   * starts it is admitted whatever it reserves (so a limit below one request's
   * reservation, or of zero, lets that first request through; the limit warnings count
   * the refusal of the next one as the limit reached).
   */
  used: Amounts | undefined;
  /** When the window resets, epoch ms; 0: at the end of the business day. */
  resetMs: number;
}

/** The tokens and micro-dollars a request reserves. */
export interface Estimate {
  tokens: number;
  credits: number;
}

/** The first limit a request would pass: which, in which window, what the window held, and the code the customer sees. */
export interface LimitRefusal {
  unit: LimitUnit;
  window: LimitWindow;
  used: number;
  resetMs: number;
  code: string;
}

const CODE_PREFIX: Record<LimitWindow, string> = { day: 'daily', five_hour: 'five_hour', week: 'weekly' };
const CODE_UNIT: Record<LimitUnit, string> = { requests: 'request', tokens: 'token', credits: 'credit' };

/** The error code of a refusal by a window's limit, e.g. `weekly_token_limit_exceeded`. */
export const refusalCode = (window: LimitWindow, unit: LimitUnit) => `${CODE_PREFIX[window]}_${CODE_UNIT[unit]}_limit_exceeded`;

/** What a request asks of each unit: one request, and all it can cost (in Lua, the names of the script's numbers). */
const asks = <T>(e: { tokens: T; credits: T }): Record<LimitUnit, T | 1> => ({ requests: 1, tokens: e.tokens, credits: e.credits });

/**
 * Windows in the order given (day, 5-hour, week), units in LIMIT_UNITS' order: the first
 * limit (null: none) that what the window holds plus what the request asks would pass
 * refuses it. "Pass" is strict: a request may take a window exactly to its limit.
 */
export function decide(windows: readonly WindowState[], estimate: Estimate): LimitRefusal | undefined {
  const ask = asks(estimate);
  for (const w of windows) {
    if (!w.used) continue;
    for (const unit of LIMIT_UNITS) {
      const limit = w.limits[unit];
      if (limit !== null && w.used[unit] + ask[unit] > limit) {
        return { unit, window: w.window, used: w.used[unit], resetMs: w.resetMs, code: refusalCode(w.window, unit) };
      }
    }
  }
  return undefined;
}

/**
 * `decide` for one window, in Lua: `over(name, used, limits, reset)` with used and limits
 * as lists in LIMIT_UNITS' order (a limit of -1: none), returning the script's refusal
 * {0, unit, window, used, reset} or nil. `estimate` names the script's variables holding
 * the request's estimates.
 */
export function luaDecision(estimate: { tokens: string; credits: string }): string {
  const ask = asks(estimate);
  return `
local units = {${LIMIT_UNITS.map((u) => `'${u}'`).join(', ')}}
local asks = {${LIMIT_UNITS.map((u) => ask[u]).join(', ')}}
local function over(name, used, limits, reset)
  for i = 1, #units do
    if limits[i] >= 0 and used[i] + asks[i] > limits[i] then return {0, units[i], name, used[i], reset} end
  end
  return nil
end
`;
}
