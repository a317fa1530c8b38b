import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export interface Column {
  label: ReactNode;
  /** Figures: right-aligned, as their cells are, so digits line up under the heading. */
  numeric?: boolean;
  /** A heading that must not break ("Cached input"), in a table whose cells may. */
  noWrap?: boolean;
}

/** A table's header row; a column given as `false` is left out (one a role may not use). */
export function TableHead({ columns }: { columns: Array<Column | string | false> }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column, index) => {
          if (column === false) return null;
          const { label, numeric, noWrap } = typeof column === 'string' ? { label: column } : column;
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed for the table's life.
            <Table.Th key={index} ta={numeric ? 'right' : undefined} style={noWrap ? { whiteSpace: 'nowrap' } : undefined}>
              {label}
            </Table.Th>
          );
        })}
      </Table.Tr>
    </Table.Thead>
  );
}
