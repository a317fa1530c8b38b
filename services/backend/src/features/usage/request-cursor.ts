import { BadRequestError } from '../../infra/errors.js';

/** A usage_logs row's place in the newest-first order: the keyset of the ledger and the admin search. */
export interface RequestPosition {
  /** created_at as Postgres prints it (microseconds kept). */
  createdAt: string;
  requestId: string;
}

// created_at as Postgres prints a timestamptz, e.g. 2026-11-26 03:57:43.123456+00 (or +05:30).
const PG_INSTANT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?$/;
// Request ids are the gateway's own UUIDs; anything printable is accepted, never a NUL.
const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/** A real date and time of day: Postgres would refuse 2026-02-30 with an error (a 500). */
function isRealInstant(createdAt: string): boolean {
  const m = PG_INSTANT.exec(createdAt);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Postgres takes a UTC offset of at most 15:59 (+99 is "time zone displacement out of range", a 500).
  const [offsetHours, offsetMinutes] = [Number(m[8]), Number(m[9] ?? 0)];
  if (offsetHours > 15 || offsetMinutes > 59) return false;
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    y >= 1000 &&
    at.getUTCFullYear() === y &&
    at.getUTCMonth() === mo - 1 &&
    at.getUTCDate() === d &&
    at.getUTCHours() === h &&
    at.getUTCMinutes() === mi &&
    at.getUTCSeconds() === s
  );
}

/** The opaque `cursor` a page hands out: base64url of "created_at|request_id". */
export const encodeCursor = (p: RequestPosition) => Buffer.from(`${p.createdAt}|${p.requestId}`).toString('base64url');

/** The position in a `cursor`, checked before it reaches SQL: anything made up is a 400. */
export function decodeCursor(cursor: string | undefined): RequestPosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const [createdAt = '', requestId = '', ...extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (extra.length > 0 || !isRealInstant(createdAt) || !REQUEST_ID.test(requestId)) {
    throw new BadRequestError('Invalid cursor: pass next_cursor from the previous page as it is.', 'invalid_cursor', 'cursor');
  }
  return { createdAt, requestId };
}
