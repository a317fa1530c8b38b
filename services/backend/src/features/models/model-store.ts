import type { Pools, Queryable } from '../../infra/db.js';
import { updateRow } from '../../infra/row-update.js';

/** A catalogue row; prices are micro-dollars per million tokens. */
export interface ModelRow {
  name: string;
  input_price_micros: number;
  /** null: cached input costs the input price. */
  cached_input_price_micros: number | null;
  /** null: a prompt-cache write costs the input price. */
  cache_write_price_micros: number | null;
  output_price_micros: number;
  /** Micro-dollars per image by "<size>/<quality>", "<size>", "*\/<quality>" or "*"; {}: not sold by the image. */
  image_prices: Record<string, number>;
  /** Micro-dollars per second of audio; null: not sold by the second. */
  audio_second_price_micros: number | null;
  /** Micro-dollars per million characters spoken; null: not sold by the character. */
  character_price_micros: number | null;
  /** The most one answer writes, reasoning included; null: COMPLETION_TOKEN_ESTIMATE is reserved instead. */
  max_output_tokens: number | null;
  enabled: boolean;
  notes: string;
  created_at: Date;
  updated_at: Date;
}

export type NewModel = Omit<ModelRow, 'created_at' | 'updated_at'>;
export type ModelChange = Partial<Omit<NewModel, 'name'>>;

const COLUMNS =
  'name, input_price_micros, cached_input_price_micros, cache_write_price_micros, output_price_micros, image_prices, audio_second_price_micros, character_price_micros, max_output_tokens, enabled, notes, created_at, updated_at';
const EDITABLE = new Set([
  'input_price_micros',
  'cached_input_price_micros',
  'cache_write_price_micros',
  'output_price_micros',
  'image_prices',
  'audio_second_price_micros',
  'character_price_micros',
  'max_output_tokens',
  'enabled',
  'notes',
]);

const TABLE = {
  name: 'models',
  key: 'name',
  columns: COLUMNS,
  editable: EDITABLE,
  toValue: (column: string, v: unknown) => (column === 'image_prices' ? JSON.stringify(v) : v),
};

/** The model catalogue. On the primary throughout: it is small, and a price must apply as soon as it is set. */
export function createModelStore({ pools }: { pools: Pools }) {
  return {
    async list(db: Queryable = pools.primary): Promise<ModelRow[]> {
      return (await db.query<ModelRow>(`SELECT ${COLUMNS} FROM models ORDER BY name`)).rows;
    },

    async get(name: string): Promise<ModelRow | undefined> {
      return (await pools.primary.query<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE name = $1`, [name])).rows[0];
    },

    /** Locks the entry for a change in `tx`; its state before. */
    async lock(tx: Queryable, name: string): Promise<ModelRow | undefined> {
      return (await tx.query<ModelRow>(`SELECT ${COLUMNS} FROM models WHERE name = $1 FOR UPDATE`, [name])).rows[0];
    },

    /** The new entry, or undefined when the name is taken. */
    async create(tx: Queryable, m: NewModel): Promise<ModelRow | undefined> {
      const { rows } = await tx.query<ModelRow>(
        `INSERT INTO models (name, input_price_micros, cached_input_price_micros, cache_write_price_micros, output_price_micros,
                             image_prices, audio_second_price_micros, character_price_micros, max_output_tokens, enabled, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (name) DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          m.name,
          m.input_price_micros,
          m.cached_input_price_micros,
          m.cache_write_price_micros,
          m.output_price_micros,
          JSON.stringify(m.image_prices),
          m.audio_second_price_micros,
          m.character_price_micros,
          m.max_output_tokens,
          m.enabled,
          m.notes,
        ],
      );
      return rows[0];
    },

    /** null is a value: a cached price of null means the input price. */
    update(tx: Queryable, name: string, change: ModelChange): Promise<ModelRow | undefined> {
      return updateRow<ModelRow>(tx, TABLE, name, change);
    },

    async delete(tx: Queryable, name: string): Promise<boolean> {
      return ((await tx.query('DELETE FROM models WHERE name = $1', [name])).rowCount ?? 0) > 0;
    },
  };
}

export type ModelStore = ReturnType<typeof createModelStore>;
