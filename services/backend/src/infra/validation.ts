import type { z } from 'zod';
import { BadRequestError } from './errors.js';

// The fields live apart so that the browser build can import them; imported from here too.
export { calendarDay, idParams, instant, int4, int8, PG_INTEGER_MAX, pathId, queryInt, text } from './input-fields.js';

/** Parses input with a zod schema; a failure is a 400 naming every bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, code = 'invalid_request'): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new BadRequestError(`Invalid request: ${detail}`, code);
  }
  return result.data;
}

/** A positive integer path id; anything else is a 400, never a 500. */
export function idParam(value: unknown): number {
  const id = typeof value === 'string' && /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) throw new BadRequestError('Invalid id.', 'invalid_id');
  return id;
}
