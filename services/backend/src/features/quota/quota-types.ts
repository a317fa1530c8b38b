import type { Entitlement } from '../../domain/entitlement.js';
import type { Queryable } from '../../infra/db.js';
import type { Amounts } from './limit-decision.js';
import type { RollingWindow } from './limit-windows.js';

/** What the quota's engines, the orchestrator and the handover pass between them. */

export interface ReserveRequest {
  userId: number;
  keyId: number;
  day: string;
  entitlement: Entitlement;
  /** Tokens and micro-dollars to reserve. */
  estimate: number;
  estimateCredits: number;
  /** A stream takes one of the key's open-stream slots. */
  stream: boolean;
  requestId: string;
}

export interface Reservation {
  quotaKey: string;
  estimate: number;
  /** Micro-dollars reserved. */
  estimateCredits: number;
  userId: number;
  day: string;
  requestId: string;
  /** The 5-hour and weekly windows' keys and the starts they had when reserved (0: not tracked). */
  windows: [string, string];
  windowStarts: [number, number];
  streamsKey: string;
  /** Counted in Redis's counters, and settled there. */
  inRedis: boolean;
  /** What the windows held once this request was admitted (Redis's engine only): the rate-limit headers' figures. */
  counts?: AdmittedCounts;
  /** The lease it was drawn from (quota-leases.ts), until that lease is closed in Redis. */
  lease?: Lease;
  /**
   * Counted in daily_usage.request_count before its usage record (admitted there, or
   * handed over when Redis was lost): see "count each served request once" in
   * usage/daily-usage-store.ts.
   */
  inPostgres: boolean;
}

/**
 * A user's windows right after an admission, as the reserve script answers it: requests and
 * tokens (used + reserved) of the day, of the 5-hour and weekly windows when tracked (with
 * their start, epoch ms), and of this minute for a key with a rate limit.
 */
export interface AdmittedCounts {
  day: { requests: number; tokens: number };
  five_hour: { requests: number; tokens: number; start: number } | undefined;
  week: { requests: number; tokens: number; start: number } | undefined;
  minute: { requests: number; start: number } | undefined;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  /** Micro-dollars. */
  costMicros: number;
}

/** A window's counters as Redis holds them. */
export interface WindowCounts {
  window: RollingWindow;
  /** Epoch ms; undefined: not begun (or over). */
  start: number | undefined;
  requests: number;
  tokens: number;
  credits: number;
}

/** Changes to a day's counters: requests, tokens (used + reserved), prompt and completion tokens, credits. */
export type CounterChange = { req: number; tok: number; pt: number; ct: number; cr: number };

/**
 * What the quota reads and writes of daily_usage, the day's books. The usage feature's
 * daily-usage-store.ts is handed in by the composition root: the quota sits below usage.
 */
export interface DayBooks {
  /** The day as recorded, from the primary (Redis's counters start from it). */
  read(userId: number, day: string): Promise<{ requestCount: number; promptTokens: number; completionTokens: number; costMicros: number }>;
  /** The day's requests, tokens and credits, its row locked until `tx` ends. */
  lockDay(tx: Queryable, userId: number, day: string): Promise<Amounts>;
  /** Counts a request the quota admitted in Postgres (inside `tx`). */
  countAdmitted(tx: Queryable, userId: number, day: string): Promise<void>;
  /** Counts requests Redis admitted, when Redis is lost before they are recorded. */
  countInFlight(requests: Array<{ userId: number; day: string }>): Promise<void>;
  /** Gives back a request the quota counted in Postgres and that was not served. */
  settleCount(r: { userId: number; day: string; counted: boolean; served: boolean }): Promise<void>;
}

/** What a lease still holds undrawn: requests, tokens, micro-dollars. */
export interface Held {
  req: number;
  tok: number;
  cr: number;
}

/**
 * A block of a customer's day reserved in Redis at once (quota-scripts.ts), spent by one
 * worker request by request (quota-leases.ts). Its requests in flight (drawn, not settled) leave it as they settle.
 */
export interface Lease {
  id: string;
  quotaKey: string;
  /** The terms it was granted under: a plan change (another entitlement) ends it. */
  terms: Entitlement;
  left: Held;
  size: number;
  /** The day's requests and tokens right after the grant (the whole lease counted). */
  counts: AdmittedCounts;
  expiresAt: number;
  inFlight: Set<Reservation>;
  /** Set once it is given back: whether Redis closed it (false: it was reclaimed, or the return failed). */
  returned?: Promise<boolean>;
}
