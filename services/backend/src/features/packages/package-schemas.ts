import { z } from 'zod';
import { int4, int8, text } from '../../infra/validation.js';
import { MODEL_NAME } from '../models/model-schemas.js';
import { dollarAmount } from '../../domain/money.js';

// Credits arrive in US dollars (six decimals at most) and are kept in micro-dollars; a billion dollars fits a bigint exactly.
const credits = dollarAmount(1_000_000_000).nullable();
// Each number is bounded by its column (integer or bigint, see the initial migration).
const terms = {
  name: text().trim().min(1).max(200),
  description: text().max(2000),
  daily_request_limit: int4().min(0).nullable(),
  daily_token_limit: int8().min(0).nullable(),
  rpm_limit: int4().positive().nullable(),
  daily_credit_limit: credits,
  five_hour_request_limit: int4().min(0).nullable(),
  five_hour_token_limit: int8().min(0).nullable(),
  five_hour_credit_limit: credits,
  weekly_request_limit: int4().min(0).nullable(),
  weekly_token_limit: int8().min(0).nullable(),
  weekly_credit_limit: credits,
  max_concurrent_streams: int4().positive().nullable(),
  // Catalogue names, or `prefix*` families; empty = every model.
  models: z
    .array(z.string().regex(MODEL_NAME, 'a model name, or a family ending in *'))
    .max(500)
    .transform((names) => [...new Set(names)]),
  duration_days: int4().positive().max(3660),
  price_cents: int8().min(0),
  // Stripe spells currencies in lower case, people in upper case: both are fine.
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO code such as USD')
    .transform((c) => c.toUpperCase()),
};
/** Optional on creation: absent means no limit (no model list: every model). */
const orNone = <T extends z.ZodType>(schema: T) => schema.optional().transform((v) => v ?? null);
/** POST /api/admin/packages, and each entry of a seeded price list (SEED_PRICE_LIST). */
export const newPackage = z.object({
  ...terms,
  description: terms.description.default(''),
  rpm_limit: orNone(terms.rpm_limit),
  daily_credit_limit: orNone(terms.daily_credit_limit),
  five_hour_request_limit: orNone(terms.five_hour_request_limit),
  five_hour_token_limit: orNone(terms.five_hour_token_limit),
  five_hour_credit_limit: orNone(terms.five_hour_credit_limit),
  weekly_request_limit: orNone(terms.weekly_request_limit),
  weekly_token_limit: orNone(terms.weekly_token_limit),
  weekly_credit_limit: orNone(terms.weekly_credit_limit),
  max_concurrent_streams: orNone(terms.max_concurrent_streams),
  models: terms.models.default([]),
});
/** PATCH /api/admin/packages/:id. */
export const packageChange = z
  .object({ ...terms, on_sale: z.boolean() })
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'name at least one field to change');
