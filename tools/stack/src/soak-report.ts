import type { Check } from './drill-books.js';
import { type Customer, isGeneration, type LoadKind, type Outcome } from './drill-load.js';
import { isStream, MIX } from './soak-load.js';
import type { FaultKind } from './soak-plan.js';

/** One fault as it happened; times in ms since the load began. */
export interface FaultRecord {
  kind: FaultKind;
  /** What it struck (backend-2, redis …), or why it could not be put in place. */
  detail: string;
  startedAt: number;
  /** When it held: the killed instance refused connections and was gone, the service was down. */
  heldAt: number;
  liftedAt: number;
  /** When the cluster was whole again; null when it was not within the soak's bound. */
  clearedAt: number | null;
}

/** A fault's window runs from its start until this long after the cluster is whole again: errors in it are the fault's. */
export const GRACE_MS = 2000;
/** At most this share of all requests may fail, whatever the faults. */
export const ERROR_RATE_BOUND = 0.01;

export type ErrorKind = '5xx' | '429' | 'network' | '4xx';

/** What went wrong with a request, if anything. A limited customer's 429 is its quota doing its job, not an error. */
export function errorKind(o: Outcome, limited: ReadonlySet<number>): ErrorKind | null {
  if (o.status === 200) return null;
  if (o.status === 429) return limited.has(o.userId) ? null : '429';
  if (o.status === 0) return 'network';
  return o.status >= 500 ? '5xx' : '4xx';
}

/**
 * The errors a fault may cause. A backend kill: only the requests the killed instance may
 * have held (in flight at the kill, or sent before it refused connections and was gone).
 * A channel whose upstream dies: only the streams in flight then (bytes went to the client:
 * no failover after that). Every other fault, none: the cluster routes and degrades around it.
 */
function allowed(f: FaultRecord, o: Outcome): boolean {
  const inFlight = o.at <= f.heldAt && o.at + o.ms >= f.startedAt;
  if (f.kind === 'kill-backend') return inFlight;
  if (f.kind === 'channel-out') return inFlight && isStream(o.kind);
  return false;
}

const windowEnd = (f: FaultRecord, endOfLoad: number) => (f.clearedAt ?? endOfLoad) + GRACE_MS;
/** Time from the fault until the cluster is whole again and the last request it failed has ended. */
const recovery = (f: FaultRecord, errors: Outcome[]) =>
  f.clearedAt === null ? Infinity : Math.max(f.clearedAt, ...errors.map((o) => o.at + o.ms)) - f.startedAt;

const seconds = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '—');
const count = (n: number) => n.toLocaleString('en-US');
/** Errors counted by kind: "5xx 2, network 3". */
const split = (errors: Array<{ error: ErrorKind }>) =>
  (['5xx', '429', 'network', '4xx'] as const)
    .map((k) => [k, errors.filter((e) => e.error === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || '0';

/** The first few failed requests: status, kind, when, request id, what the answer said. */
const described = (failed: Outcome[]) =>
  failed
    .slice(0, 5)
    .map((o) =>
      `${o.status || 'network'} ${o.kind} ${seconds(o.at)}–${seconds(o.at + o.ms)} s ${o.requestId ?? ''} ${o.detail ?? ''}`.replace(/\s+/g, ' ').trim(),
    )
    .join('; ');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd()).join('\n');
}

/**
 * A limited customer whose client saw more successes than its limit (the books say whether
 * they were billed): when its last ones were sent, and in which fault's window, to tell
 * which fault let them through.
 */
function overdrafts(records: FaultRecord[], outcomes: Outcome[], customers: Customer[], inWindow: (f: FaultRecord) => (o: Outcome) => boolean): string[] {
  const lines: string[] = [];
  for (const c of customers) {
    if (c.limit === null) continue;
    const ok = outcomes.filter((o) => o.userId === c.userId && isGeneration(o.kind) && o.status === 200).sort((a, b) => a.at - b.at);
    if (ok.length <= c.limit) continue;
    const last = ok.slice(Math.max(0, c.limit - 3)).map((o) => {
      const during = records.findLastIndex((f) => inWindow(f)(o));
      return `${o.kind} ${seconds(o.at)}–${seconds(o.at + o.ms)} s${during < 0 ? '' : ` (fault #${during + 1})`}`;
    });
    lines.push(`user ${c.userId}: ${ok.length} successes > ${c.limit} a day; the last ones: ${last.join(', ')}`);
  }
  return lines;
}

/**
 * The soak's summary (a row per fault, then the totals) and its checks: every
 * fault cleared and within its error bound, no error outside a fault's window, the error
 * rate within its bound, no stream left hanging.
 */
export function soakChecks(
  records: FaultRecord[],
  outcomes: Outcome[],
  customers: Customer[],
  load: { endedAt: number; skipped: number; hung: Array<{ kind: LoadKind; at: number }> },
): { summary: string; checks: Check[] } {
  const out: string[] = [];
  const limited = new Set(customers.filter((c) => c.limit !== null).map((c) => c.userId));
  const failed = outcomes.flatMap((o) => {
    const kind = errorKind(o, limited);
    return kind ? [{ ...o, error: kind }] : [];
  });
  const inWindow = (f: FaultRecord) => (o: Outcome) => o.at < windowEnd(f, load.endedAt) && o.at + o.ms >= f.startedAt;
  // A failed request is the latest fault's whose window it overlaps: a stream sent while the
  // upstream was slow and cut when a channel was taken out after it is the channel's.
  const owner = (o: Outcome) => records.findLastIndex((f) => inWindow(f)(o));
  const rows = [['#', 'at s', 'fault', 'struck', 'held s', 'whole s', 'recovery s', 'requests', 'errors', 'beyond bound']];
  const checks: Check[] = [];
  let longest: { ms: number; what: string } = { ms: 0, what: 'no fault' };
  records.forEach((f, i) => {
    const mine = failed.filter((o) => owner(o) === i);
    const beyond = mine.filter((o) => !allowed(f, o));
    const ms = recovery(f, mine);
    if (ms > longest.ms) longest = { ms, what: `${f.kind} #${i + 1}` };
    rows.push([
      String(i + 1),
      seconds(f.startedAt),
      f.kind,
      f.detail,
      seconds(f.liftedAt - f.heldAt),
      f.clearedAt === null ? 'never' : seconds(f.clearedAt - f.liftedAt),
      seconds(ms),
      count(outcomes.filter(inWindow(f)).length),
      split(mine),
      String(beyond.length),
    ]);
    if (beyond.length) {
      checks.push([`fault #${i + 1} (${f.kind}) within its error bound`, false, `${beyond.length} failed beyond it (${split(beyond)}): ${described(beyond)}`]);
    }
  });
  out.push(
    `\nfaults (held: from in place to lifted; whole: from lifted until every backend is ready / the channel closed again; recovery: from the fault until whole and its last failed request ended; errors in its window, to ${GRACE_MS / 1000} s after whole):`,
  );
  out.push(table(rows));
  out.push(...overdrafts(records, outcomes, customers, inWindow));

  const outside = failed.filter((o) => owner(o) < 0);
  const byKind = MIX.map(([kind]) => `${kind} ${count(outcomes.filter((o) => o.kind === kind).length)}`);
  const refused = (o: Outcome) => o.status === 429 && limited.has(o.userId);
  const streams = outcomes.filter((o) => isStream(o.kind));
  const rate = outcomes.length ? failed.length / outcomes.length : 0;
  out.push(`\nrequests: ${count(outcomes.length)} (${byKind.join(' · ')}), ${load.skipped} skipped`);
  out.push(
    `answers: 200 ${count(outcomes.filter((o) => o.status === 200).length)} · 429 of limited customers (quota) ${count(outcomes.filter(refused).length)} · errors ${count(failed.length)}`,
  );
  out.push(`error rate: ${(rate * 100).toFixed(2)} % (${split(failed)}); outside fault windows: ${outside.length}`);
  out.push(
    `streams: ${count(streams.length)}, ${count(streams.filter((o) => o.status === 200).length)} ended with [DONE] / response.completed, ${count(streams.filter(refused).length)} refused (quota), ${count(streams.filter((o) => errorKind(o, limited)).length)} failed, ${load.hung.length} hung`,
  );
  out.push(`longest recovery: ${seconds(longest.ms)} s (${longest.what})`);

  checks.push(
    [
      'every fault put in place and cleared',
      records.every((f) => f.clearedAt !== null),
      records.flatMap((f, i) => (f.clearedAt === null ? [`#${i + 1} ${f.kind}: ${f.detail}`] : [])).join('; ') || `${records.length} faults`,
    ],
    ['no error outside a fault window', outside.length === 0, outside.length ? `${outside.length} (${split(outside)}): ${described(outside)}` : 'none'],
    ['error rate within its bound', rate <= ERROR_RATE_BOUND, `${(rate * 100).toFixed(2)} % ≤ ${ERROR_RATE_BOUND * 100} %`],
    [
      'no stream left hanging',
      load.hung.length === 0,
      load.hung.map((h) => `${h.kind} sent at ${seconds(h.at)} s`).join('; ') || `${count(streams.length)} streams`,
    ],
    ['the load kept its rate', load.skipped === 0, `${load.skipped} requests not sent (too many unanswered)`],
  );
  return { summary: out.join('\n'), checks };
}
