import type { DayRange } from '../hooks/api/usage/types';

/** A calendar day (YYYY-MM-DD) moved by whole days; computed in UTC so no DST shift can skip one. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Today in the browser's own time zone (the gateway's business day, when known, is better). */
export function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The last `days` days up to and including `today`. */
export function lastDays(today: string, days: number): DayRange {
  return { from: addDays(today, -(days - 1)), to: today };
}

export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** The end of a local calendar day as an ISO instant: a key "expiring on" a day works through it. */
export function endOfLocalDay(day: string): string {
  return new Date(`${day}T23:59:59`).toISOString();
}
