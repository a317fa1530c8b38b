/**
 * Calendar days in the configured business time zone: daily limits reset at its
 * midnight, and daily_usage rows are keyed by its dates.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(timeZone: string, at: Date): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { y: +parts.year!, m: +parts.month!, d: +parts.day!, h: +parts.hour!, min: +parts.minute!, s: +parts.second! };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** YYYY-MM-DD of `at` in the time zone, from its wall clock. */
function dayOf(timeZone: string, at: Date): string {
  const { y, m, d } = wallClock(timeZone, at);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

// Formatting a date in a time zone is costly and every request asks: each zone's latest
// day asked about, with when it begins and ends (epoch ms), answers every instant inside it.
const known = new Map<string, { day: string; start: number; end: number }>();

function dayAround(timeZone: string, ms: number): { day: string; start: number; end: number } {
  const k = known.get(timeZone);
  if (k && ms >= k.start && ms < k.end) return k;
  const day = dayOf(timeZone, new Date(ms));
  const found = { day, start: dayStart(timeZone, day).getTime(), end: dayStart(timeZone, addDays(day)).getTime() };
  // A day whose bounds do not hold the instant (a zone whose midnight a clock change skips) is not remembered.
  if (ms >= found.start && ms < found.end) known.set(timeZone, found);
  return found;
}

/** YYYY-MM-DD of `at` (default: now) in the time zone. */
export function businessDay(timeZone: string, at?: Date): string {
  return dayAround(timeZone, at ? at.getTime() : Date.now()).day;
}

/** The day after a YYYY-MM-DD date (or `days` after). */
export function addDays(day: string, days = 1): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant a business day (YYYY-MM-DD) begins in the time zone: its midnight. */
export function dayStart(timeZone: string, day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const target = Date.UTC(y, m - 1, d);
  // Local midnight = UTC midnight minus the zone's offset then; twice settles DST edges.
  let guess = target;
  for (let i = 0; i < 2; i += 1) guess = target - offsetMs(timeZone, new Date(guess));
  return new Date(guess);
}

/** The instant the business day after `at` begins: when today's limits reset. */
export function nextMidnight(timeZone: string, at: Date = new Date()): Date {
  return new Date(dayAround(timeZone, at.getTime()).end);
}

/** The instant a period whose last day is `endDate` ends: the midnight after that day. */
export const periodEndsAt = (timeZone: string, endDate: string): Date => dayStart(timeZone, addDays(endDate));

/** How far the zone's wall clock is ahead of UTC at `at`, in ms. */
function offsetMs(timeZone: string, at: Date): number {
  const w = wallClock(timeZone, at);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * `at` as ISO 8601 on the zone's wall clock with its offset (2026-12-08T00:00:00+08:00), to
 * the second, rounded up: a reset shown at a second has happened by then.
 */
export function isoInZone(timeZone: string, at: Date): string {
  const t = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  const offset = Math.round(offsetMs(timeZone, t) / 60_000);
  const local = new Date(t.getTime() + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** `at` on the zone's wall clock to the minute, with the zone named as people read it: "2026-12-14 05:00 UTC", "… GMT+8". */
export function wallTime(timeZone: string, at: Date): string {
  const { y, m, d, h, min } = wallClock(timeZone, at);
  const zone = new Intl.DateTimeFormat('en-CA', { timeZone, timeZoneName: 'short' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return `${y}-${pad2(m)}-${pad2(d)} ${pad2(h)}:${pad2(min)} ${zone}`;
}
