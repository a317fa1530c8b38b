import { z } from 'zod';
import { text } from '../../infra/input-fields.js';
import { dollarAmount } from '../../domain/money.js';

/** As the migration's check: letters, digits and . _ : / + -, optionally ending in '*' (a family). */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}\*?$/;
// Dollars per million tokens; a million dollars keeps every product exact and within bigint.
const price = dollarAmount(1_000_000);

const terms = {
  input_price: price,
  cached_input_price: price.nullable(),
  /** A prompt-cache write (Anthropic's cache_creation_input_tokens); null: the input price. */
  cache_write_price: price.nullable(),
  /** Per image, by "<size>/<quality>" (1024x1024/hd), "<size>", "*\/<quality>" or "*". */
  image_prices: z
    .record(z.string().regex(/^(\*|\d{2,5}x\d{2,5}|auto)(\/(\*|[a-z]{2,16}))?$/, 'a size such as 1024x1024, optionally /quality, or *'), dollarAmount(1000))
    .refine((prices) => Object.keys(prices).length <= 64, 'at most 64 variants'),
  /** Per second of audio. */
  audio_second_price: dollarAmount(1000).nullable(),
  /** Per million characters. */
  character_price: price.nullable(),
  output_price: price,
  max_output_tokens: z.number().int().min(1).max(1_000_000).nullable(),
  enabled: z.boolean(),
  notes: text().max(2000),
};
/** POST /api/admin/models: a model or a family (name*) and its prices. */
export const newModel = z.object({
  name: z.string().regex(MODEL_NAME, 'a model name (letters, digits, . _ : / + -), or a family ending in *'),
  ...terms,
  cached_input_price: terms.cached_input_price.default(null),
  cache_write_price: terms.cache_write_price.default(null),
  image_prices: terms.image_prices.default({}),
  audio_second_price: terms.audio_second_price.default(null),
  character_price: terms.character_price.default(null),
  max_output_tokens: terms.max_output_tokens.default(null),
  enabled: terms.enabled.default(true),
  notes: terms.notes.default(''),
});
/** PATCH /api/admin/models/*name. */
export const modelChange = z
  .object(terms)
  .partial()
  .refine((c) => Object.keys(c).length > 0, 'name at least one field to change');
