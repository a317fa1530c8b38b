/**
 * The zod building blocks of request schemas. Only zod here: the request schemas are
 * imported by the console's browser build too (through src/contract/).
 */
import { z } from 'zod';

/** A positive integer id in a path, as a number: anything else is a 400, never a 500. */
export const pathId = () =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'expected a positive whole number')
    .transform(Number)
    .refine(Number.isSafeInteger, 'expected a positive whole number');

/** The params of a route with one `:id`. */
export const idParams = z.object({ id: pathId() });

// Inputs are bounded by the columns they land in, so Postgres never refuses them (a 500).
/** Postgres `integer`. */
export const PG_INTEGER_MAX = 2_147_483_647;

/** A whole number for an `integer` column. */
export const int4 = () => z.number().int().max(PG_INTEGER_MAX);

/** A whole number for a `bigint` column, kept within the integers JavaScript holds exactly. */
export const int8 = () => z.number().int().max(Number.MAX_SAFE_INTEGER);

/** Text for a `text` column: Postgres refuses the NUL character. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the NUL is the point
export const text = () => z.string().regex(/^[^\u0000]*$/, 'must not contain NUL characters');

/**
 * A whole number from a query string, given once (`?a=1&a=2` arrives as an array),
 * in decimal digits only (no `1e3`, no `0x10`).
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,16}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A real calendar day YYYY-MM-DD (no 2026-02-30), years 1000–9999. */
export const calendarDay = () => z.iso.date('expected a calendar date YYYY-MM-DD').regex(/^[1-9]/, 'expected a year from 1000 to 9999');

/** An ISO 8601 instant with its offset, between the years 1000 and 9999 (UTC). */
export const instant = () =>
  z.iso.datetime({ offset: true }).refine((s) => {
    const year = new Date(s).getUTCFullYear();
    return year >= 1000 && year <= 9999;
  }, 'expected a year from 1000 to 9999');
