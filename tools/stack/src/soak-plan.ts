/**
 * The soak's schedule of faults, drawn from a seed: the same seed gives the same faults in
 * the same order, held as long, with the same quiet between them.
 */

export const FAULT_KINDS = ['kill-backend', 'restart-redis', 'replica-down', 'restart-primary', 'channel-out', 'slow-upstream'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults the target undoes by itself (a killed backend is restarted): they are not held. */
export const SELF_HEALING: ReadonlySet<FaultKind> = new Set(['kill-backend']);

export interface PlannedFault {
  kind: FaultKind;
  /** Steady load before it, ms. */
  quietMs: number;
  /** How long it is held before it is lifted, ms (0 for a fault the target undoes itself). */
  holdMs: number;
  /** In [0, 1): which of several candidates it strikes (which backend). */
  pick: number;
}

export const QUIET_MS = { min: 4000, max: 10_000 };
export const HOLD_MS = { min: 2000, max: 8000 };

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const between = (random: () => number, range: { min: number; max: number }) => Math.round(range.min + random() * (range.max - range.min));

/**
 * `count` faults. Kinds come in rounds, each a shuffle of every kind, so that a short soak
 * still meets each of them and no kind waits long for its turn.
 */
export function planFaults(seed: number, count: number): PlannedFault[] {
  const random = seededRandom(seed);
  const plan: PlannedFault[] = [];
  while (plan.length < count) {
    const round = [...FAULT_KINDS];
    for (let i = round.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    for (const kind of round) {
      const quietMs = between(random, QUIET_MS);
      const holdMs = between(random, HOLD_MS);
      plan.push({ kind, quietMs, holdMs: SELF_HEALING.has(kind) ? 0 : holdMs, pick: random() });
    }
  }
  return plan.slice(0, count);
}
