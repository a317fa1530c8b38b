import type { ModelView } from '../../contract/admin-api.js';
import { microsToDollars, microsToDollarsOrNull } from '../../domain/money.js';
import type { ModelRow } from './model-store.js';

/** A catalogue entry as staff see it: prices in US dollars per million tokens. */
export function modelView(m: ModelRow): ModelView {
  return {
    name: m.name,
    input_price: microsToDollars(m.input_price_micros),
    cached_input_price: microsToDollarsOrNull(m.cached_input_price_micros),
    cache_write_price: microsToDollarsOrNull(m.cache_write_price_micros),
    image_prices: Object.fromEntries(Object.entries(m.image_prices).map(([variant, micros]) => [variant, microsToDollars(micros)])),
    audio_second_price: microsToDollarsOrNull(m.audio_second_price_micros),
    character_price: microsToDollarsOrNull(m.character_price_micros),
    output_price: microsToDollars(m.output_price_micros),
    max_output_tokens: m.max_output_tokens,
    enabled: m.enabled,
    notes: m.notes,
    created_at: m.created_at.toISOString(),
    updated_at: m.updated_at.toISOString(),
  };
}
