import type { QueryResultRow } from 'pg';
import type { Queryable } from './db.js';

/** A table whose rows staff change a few columns of at a time. */
export interface EditableTable {
  name: string;
  /** The column `WHERE … = $1` finds the row by. */
  key: string;
  /** What RETURNING answers. */
  columns: string;
  /** The only columns a change may set, whatever the caller passes. */
  editable: ReadonlySet<string>;
  /** A column's value as Postgres takes it (JSON columns as text); as it is by default. */
  toValue?: (column: string, value: unknown) => unknown;
}

/**
 * Sets the editable columns that `change` gives (undefined leaves one as it is; null is a
 * value) and stamps updated_at, in `tx`. The row after, or undefined when there is none.
 */
export async function updateRow<R extends QueryResultRow>(tx: Queryable, table: EditableTable, key: unknown, change: object): Promise<R | undefined> {
  const fields = Object.entries(change).filter(([column, v]) => v !== undefined && table.editable.has(column));
  const sets = fields.map(([column], i) => `${column} = $${i + 2}`);
  const toValue = table.toValue ?? ((_column: string, v: unknown) => v);
  const { rows } = await tx.query<R>(
    `UPDATE ${table.name} SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE ${table.key} = $1 RETURNING ${table.columns}`,
    [key, ...fields.map(([column, v]) => toValue(column, v))],
  );
  return rows[0];
}
