import { createBusSnapshot } from '../../infra/bus-snapshot.js';
import type { InvalidationBus } from '../../infra/invalidation.js';
import type { Logger } from '../../infra/logger.js';
import type { ModelRow, ModelStore } from './model-store.js';
import type { TokenPrices, UnitPrices } from '../../domain/money.js';

/**
 * The catalogue is the list of what is sold: a model is served only when an enabled entry
 * prices it (its exact name, or a `prefix*` family), and a free model is an entry priced 0.
 * Families price names nobody lists one by one (dated snapshots such as
 * gpt-4o-2024-08-06): they are served, but only exact names are listed in /v1/models.
 */

/** A catalogue entry as the relay prices with it: micro-dollars per million tokens. */
export interface ModelPrice extends TokenPrices, UnitPrices {
  /** The entry's name: the model itself, or the `prefix*` family that priced it. */
  name: string;
  /** A disabled entry still resolves (so that the relay can refuse the model by name). */
  enabled: boolean;
  /** The most one answer writes, reasoning included (null: not known). */
  maxOutputTokens: number | null;
  /** When the entry was added, in Unix seconds (the `created` of /v1/models). */
  created: number;
}

interface Catalogue {
  exact: Map<string, ModelPrice>;
  /** `prefix*` entries, longest prefix first. */
  families: Array<{ prefix: string; price: ModelPrice }>;
  all: ModelPrice[];
}

const EMPTY: Catalogue = { exact: new Map(), families: [], all: [] };

export const isFamily = (name: string) => name.endsWith('*');

/** Whether a catalogue name (exact, or `prefix*`) covers the model. */
export const nameCovers = (entry: string, model: string) => (isFamily(entry) ? model.startsWith(entry.slice(0, -1)) : entry === model);

function priceOf(row: ModelRow): ModelPrice {
  return {
    name: row.name,
    inputPriceMicros: row.input_price_micros,
    cachedInputPriceMicros: row.cached_input_price_micros ?? row.input_price_micros,
    cacheWritePriceMicros: row.cache_write_price_micros ?? row.input_price_micros,
    imagePrices: row.image_prices,
    audioSecondPriceMicros: row.audio_second_price_micros,
    characterPriceMicros: row.character_price_micros,
    outputPriceMicros: row.output_price_micros,
    enabled: row.enabled,
    maxOutputTokens: row.max_output_tokens,
    created: Math.floor(row.created_at.getTime() / 1000),
  };
}

function index(rows: ModelRow[]): Catalogue {
  const all = rows.map(priceOf);
  return {
    exact: new Map(all.filter((p) => !isFamily(p.name)).map((p) => [p.name, p])),
    families: all
      .filter((p) => isFamily(p.name))
      .map((price) => ({ prefix: price.name.slice(0, -1), price }))
      .sort((a, b) => b.prefix.length - a.prefix.length),
    all,
  };
}

const lookup = (catalogue: Catalogue, model: string) => catalogue.exact.get(model) ?? catalogue.families.find((f) => model.startsWith(f.prefix))?.price;

/**
 * The model catalogue as every worker holds it (reloaded when staff change it, over the
 * invalidation bus). While Postgres does not answer, a worker keeps the catalogue it had;
 * one that never loaded it resolves nothing (as if the catalogue were empty: nothing is sold).
 */
export function createModelCatalogue({ store, bus, logger }: { store: Pick<ModelStore, 'list'>; bus: InvalidationBus; logger: Logger }) {
  const snapshot = createBusSnapshot({ bus, kind: 'model', load: async () => index(await store.list()), initial: EMPTY, logger, what: 'the model catalogue' });

  return {
    /** The entry pricing this model: its exact name first, else the longest `prefix*` that starts it. */
    async resolve(model: string): Promise<ModelPrice | undefined> {
      return lookup(await snapshot.get(), model);
    },

    /** Every entry, by name. */
    async list(): Promise<ModelPrice[]> {
      return (await snapshot.get()).all;
    },

    /**
     * Of the names a channel serves, those no entry prices, enabled or not (a disabled entry
     * is the operator's decision, not a gap). A channel's `prefix*` is priced when an entry
     * covers the prefix or lies within the family.
     */
    async unpriced(names: readonly string[]): Promise<string[]> {
      const catalogue = await snapshot.get();
      return names.filter((name) => {
        if (!isFamily(name)) return lookup(catalogue, name) === undefined;
        const prefix = name.slice(0, -1);
        return lookup(catalogue, prefix) === undefined && !catalogue.all.some((p) => p.name.startsWith(prefix));
      });
    },

    /** Reloads now (tests; the bus does it in service). */
    refresh: () => snapshot.reload(),
    close: () => snapshot.close(),
  };
}

export type ModelCatalogue = ReturnType<typeof createModelCatalogue>;

/**
 * Whether a plan's model list lets this model through: an empty list allows every model
 * the catalogue sells; otherwise the model's name, the catalogue entry that priced it
 * (`resolvedName`), or a `prefix*` in the list that covers the model.
 */
export function modelAllowed(entitlementModels: readonly string[], model: string, resolvedName?: string): boolean {
  if (entitlementModels.length === 0) return true;
  return entitlementModels.some((entry) => entry === model || (resolvedName !== undefined && entry === resolvedName) || nameCovers(entry, model));
}
