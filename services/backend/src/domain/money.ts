import { z } from 'zod';

/**
 * Money in the gateway: every amount is kept as whole micro-dollars (1 $ = 1 000 000), so
 * sums and limits are exact; the APIs speak US dollars with up to six decimals. A model's
 * price is micro-dollars per million tokens.
 */

const MICROS_PER_DOLLAR = 1_000_000;

/** A price of micro-dollars per million tokens, with cached input and cache writes resolved (null → the input price). */
export interface TokenPrices {
  inputPriceMicros: number;
  cachedInputPriceMicros: number;
  cacheWritePriceMicros: number;
  outputPriceMicros: number;
}

export interface TokenCounts {
  promptTokens: number;
  /** Prompt tokens served from the upstream's cache: part of promptTokens. */
  cachedTokens: number;
  /** Prompt tokens written to the upstream's cache (Anthropic's cache_creation_input_tokens): part of promptTokens; none when absent. */
  cacheWriteTokens?: number;
  /** Reasoning tokens are part of these and billed as output. */
  completionTokens: number;
}

/** A token count as a whole number ≥ 0 (an upstream's odd usage never makes a negative cost). */
const count = (n: number) => Math.max(0, Math.trunc(Number.isFinite(n) ? n : 0));

/**
 * What a request cost, in micro-dollars: ((prompt − cached − written)·input +
 * cached·cached-input + written·cache-write + completion·output) / 1 000 000, rounded half
 * up. BigInt all the way: a long request at a high price passes 2^53 before the division.
 */
export function costMicros(price: TokenPrices, usage: TokenCounts): number {
  const prompt = count(usage.promptTokens);
  const cached = Math.min(count(usage.cachedTokens), prompt);
  const written = Math.min(count(usage.cacheWriteTokens ?? 0), prompt - cached);
  const numerator =
    BigInt(prompt - cached - written) * BigInt(price.inputPriceMicros) +
    BigInt(cached) * BigInt(price.cachedInputPriceMicros) +
    BigInt(written) * BigInt(price.cacheWritePriceMicros) +
    BigInt(count(usage.completionTokens)) * BigInt(price.outputPriceMicros);
  const million = BigInt(MICROS_PER_DOLLAR);
  return Number((numerator + million / 2n) / million);
}

/** What is sold by the unit rather than by the token (usage_logs.unit). */
export type Unit = 'images' | 'seconds' | 'characters';

/** A model's prices by the unit: micro-dollars per image by variant, per second of audio, per million characters. */
export interface UnitPrices {
  /** By "<size>/<quality>", "<size>", "*\/<quality>" or "*": the first that names the image wins. */
  imagePrices: Readonly<Record<string, number>>;
  audioSecondPriceMicros: number | null;
  characterPriceMicros: number | null;
}

/** Units of a request: how many, and for images which size and quality (the price's variant). */
export interface UnitCount {
  unit: Unit;
  count: number;
  /** Images: "<size>/<quality>". */
  variant?: string;
}

/** The price of one image of this variant, if the model sells it. */
export function imagePrice(prices: UnitPrices['imagePrices'], variant: string): number | undefined {
  const [size = '*', quality = '*'] = variant.split('/');
  for (const key of [`${size}/${quality}`, size, `*/${quality}`, '*']) if (Object.hasOwn(prices, key)) return prices[key];
  return undefined;
}

/**
 * What units cost, in micro-dollars (characters rounded half up). An entry without a price
 * for the unit sells the model by its tokens alone (0 here: gpt-image-1, gpt-4o-transcribe);
 * one that prices images but not this size and quality does not sell it (undefined: no
 * price, no service).
 */
export function unitCostMicros(price: UnitPrices, units: UnitCount): number | undefined {
  const n = count(units.count);
  if (units.unit === 'images') {
    if (Object.keys(price.imagePrices).length === 0) return 0;
    const each = imagePrice(price.imagePrices, units.variant ?? '*');
    return each === undefined ? undefined : n * each;
  }
  if (units.unit === 'seconds') return n * (price.audioSecondPriceMicros ?? 0);
  if (price.characterPriceMicros === null) return 0;
  const million = BigInt(MICROS_PER_DOLLAR);
  return Number((BigInt(n) * BigInt(price.characterPriceMicros) + million / 2n) / million);
}

/** Micro-dollars as the API shows them: US dollars (exact for every amount a column holds). */
export function microsToDollars(micros: number): number {
  return micros / MICROS_PER_DOLLAR;
}

export function microsToDollarsOrNull(micros: number | null): number | null {
  return micros === null ? null : microsToDollars(micros);
}

/**
 * US dollars (at most six decimals) as micro-dollars, exactly: through the decimal text, so
 * 1.1 is 1 100 000 and not 1 100 000.0000000002 rounded.
 */
export function dollarsToMicros(dollars: number): number {
  const negative = dollars < 0;
  const [whole, fraction = ''] = Math.abs(dollars).toFixed(6).split('.');
  const micros = Number(whole) * MICROS_PER_DOLLAR + Number(fraction.padEnd(6, '0'));
  return negative ? -micros : micros;
}

/**
 * True when the amount has no more than six decimals (a whole number of micro-dollars),
 * give or take the last bits of a double (0.1 + 0.2 is 0.3; 1.0000001 is refused).
 */
export function isWholeMicros(dollars: number): boolean {
  if (!Number.isFinite(dollars)) return false;
  return Math.abs(Number(dollars.toFixed(6)) - dollars) <= 4 * Number.EPSILON * Math.max(1, Math.abs(dollars));
}

/**
 * An amount of US dollars in a request body (0 to `max`, six decimals at most), parsed to
 * micro-dollars. The bound keeps the product exact and within a bigint column.
 */
export const dollarAmount = (max: number) =>
  z.number().min(0).max(max).refine(isWholeMicros, 'at most six decimals (a micro-dollar)').transform(dollarsToMicros);
