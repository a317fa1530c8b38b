import { setTimeout as sleep } from 'node:timers/promises';
import { type Customer, type LoadKind, type Outcome, send } from './drill-load.js';

/** The soak's mix of requests, by share. */
export const MIX: ReadonlyArray<[LoadKind, number]> = [
  ['chat', 0.3],
  ['chat-stream', 0.3],
  ['responses', 0.15],
  ['responses-stream', 0.1],
  ['usage', 0.15],
];
/** Past this many unanswered requests a due request is not sent (counted as skipped): the load stays bounded whatever the cluster does. */
const MAX_IN_FLIGHT = 400;
/** A stream still open this long after the load stopped hangs; so does one that took longer to end. */
export const STREAM_BOUND_MS = 20_000;
const TICK_MS = 10;

export const isStream = (kind: LoadKind) => kind.endsWith('-stream');

export interface SoakLoad {
  /** Date.now() when the load began. */
  readonly started: number;
  readonly outcomes: Outcome[];
  /** Stops sending and waits for the answers; the streams still open STREAM_BOUND_MS later are aborted and returned as hung. */
  stop(): Promise<{ skipped: number; hung: Array<{ kind: LoadKind; at: number }> }>;
}

/**
 * An open-loop load: requests leave at `rate` a second on a schedule, whatever the earlier
 * ones are doing, so a fault meets the same load as the quiet before it (a closed loop
 * would send less while answers are slow). Kinds and customers are drawn from `random`.
 */
export function startSoakLoad(gatewayUrl: string, customers: Customer[], rate: number, random: () => number): SoakLoad {
  const started = Date.now();
  const outcomes: Outcome[] = [];
  const open = new Map<Promise<void>, { kind: LoadKind; at: number }>();
  const streams = new AbortController();
  let sent = 0;
  let skipped = 0;
  const kindOf = (): LoadKind => {
    let r = random();
    for (const [kind, share] of MIX) if ((r -= share) < 0) return kind;
    return MIX[MIX.length - 1]![0];
  };
  const tick = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent += 1) {
      if (open.size >= MAX_IN_FLIGHT) {
        skipped += 1;
        continue;
      }
      const kind = kindOf();
      const customer = customers[Math.floor(random() * customers.length)]!;
      const request: Promise<void> = send(gatewayUrl, customer, kind, started, streams.signal)
        .then((o) => void outcomes.push(o))
        .finally(() => open.delete(request));
      open.set(request, { kind, at: Date.now() - started });
    }
  }, TICK_MS);

  return {
    started,
    outcomes,
    async stop() {
      clearInterval(tick);
      const settled = Promise.all(open.keys()).then(() => true);
      await Promise.race([settled, sleep(STREAM_BOUND_MS)]);
      const stillOpen = [...open.values()].filter((r) => isStream(r.kind));
      const endedLate = outcomes.filter((o) => isStream(o.kind) && o.ms > STREAM_BOUND_MS).map(({ kind, at }) => ({ kind, at }));
      streams.abort();
      // Plain requests end by their own timeout; the aborted streams at once.
      await Promise.all(open.keys());
      return { skipped, hung: [...stillOpen, ...endedLate] };
    },
  };
}
