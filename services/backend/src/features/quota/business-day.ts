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

// Formatting a date in a time zone is costly and every request asks: remember the answer
// for the current second of each zone.
const current = new Map<string, { second: number; day: string }>();

/** YYYY-MM-DD of `at` (default: now) in the time zone. */
export function businessDay(timeZone: string, at?: Date): string {
  const now = at ?? new Date();
  const second = Math.floor(now.getTime() / 1000);
  const memo = current.get(timeZone);
  if (!at && memo?.second === second) return memo.day;
  const { y, m, d } = wallClock(timeZone, now);
  const day = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!at) current.set(timeZone, { second, day });
  return day;
}

/** The day after a YYYY-MM-DD date (or `days` after). */
export function addDays(day: string, days = 1): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The instant the business day after `at` begins: when today's limits reset. */
export function nextMidnight(timeZone: string, at: Date = new Date()): Date {
  const [y, m, d] = addDays(businessDay(timeZone, at)).split('-').map(Number) as [number, number, number];
  const target = Date.UTC(y, m - 1, d);
  // Local midnight = UTC midnight minus the zone's offset then; twice settles DST edges.
  let guess = target;
  for (let i = 0; i < 2; i += 1) {
    const w = wallClock(timeZone, new Date(guess));
    const offset = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - guess;
    guess = target - offset;
  }
  return new Date(guess);
}
