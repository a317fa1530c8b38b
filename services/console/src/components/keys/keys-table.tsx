import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiKeyView } from '../../hooks/api/keys/types';
import { useFormat } from '../../lib/format';
import { KeyStatusBadge } from './key-status-badge';
import { TableHead } from '../common/table-head';
import { RowActions } from '../common/row-actions';

// Cells keep to one line; the scroll container lets a wide table scroll sideways on a phone.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface KeysTableProps {
  keys: ApiKeyView[];
  onRename: (key: ApiKeyView) => void;
  onRevoke: (key: ApiKeyView) => void;
}

export function KeysTable({ keys, onRename, onRevoke }: KeysTableProps) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover verticalSpacing="sm" style={NO_WRAP}>
        <TableHead
          columns={[
            t('keys.columns.name'),
            t('keys.columns.status'),
            t('keys.columns.prefix'),
            t('keys.columns.created'),
            t('keys.columns.expires'),
            t('keys.columns.lastUsed'),
            t('keys.columns.actions'),
          ]}
        />
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id} data-testid="key-row">
              <Table.Td fw={600}>{key.name}</Table.Td>
              <Table.Td>
                <KeyStatusBadge apiKey={key} />
              </Table.Td>
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {key.key_prefix}…
                </Text>
              </Table.Td>
              <Table.Td>{format.dateTime(key.created_at)}</Table.Td>
              <Table.Td>{key.expires_at ? format.dateTime(key.expires_at) : t('common.never')}</Table.Td>
              <Table.Td>{key.last_used_at ? format.dateTime(key.last_used_at) : t('common.never')}</Table.Td>
              <Table.Td>
                {key.status === 'active' && (
                  <RowActions
                    actions={[
                      { label: t('keys.rename'), onClick: () => onRename(key) },
                      { label: t('keys.revoke'), onClick: () => onRevoke(key), danger: true },
                    ]}
                  />
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
