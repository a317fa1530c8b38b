import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useRevokeUserKey } from '../../../hooks/api/admin/keys/mutations';
import type { ApiKeyView } from '../../../hooks/api/admin/keys/types';
import { useFormat } from '../../../lib/format';
import { KeyStatusBadge } from '../../keys/key-status-badge';
import { ConfirmModal, useConfirmedAction } from '../common/confirm-modal';
import { RowActions } from '../../common/row-actions';
import { TableHead } from '../../common/table-head';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** A user's keys with their last use; every staff role may revoke one. */
export function UserKeysTable({ userId, keys, mayRevoke }: { userId: number; keys: ApiKeyView[]; mayRevoke: boolean }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  const revoke = useRevokeUserKey(userId);
  const revocation = useConfirmedAction(revoke, (key: ApiKeyView) => key.id);
  const revoking = revocation.target;

  if (keys.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('userDetail.noKeys')}
      </Text>
    );
  }
  return (
    <>
      <Table.ScrollContainer minWidth={720}>
        <Table striped fz="sm" style={NO_WRAP}>
          <TableHead
            columns={[
              tMain('keys.columns.name'),
              tMain('keys.columns.prefix'),
              tMain('keys.columns.status'),
              tMain('keys.columns.created'),
              tMain('keys.columns.lastUsed'),
              mayRevoke && tMain('keys.columns.actions'),
            ]}
          />
          <Table.Tbody>
            {keys.map((key) => (
              <Table.Tr key={key.id} data-testid="admin-key-row">
                <Table.Td fw={600}>{key.name || t('common.none')}</Table.Td>
                <Table.Td>
                  <Text ff="monospace" size="sm">
                    {key.key_prefix}…
                  </Text>
                </Table.Td>
                <Table.Td>
                  <KeyStatusBadge apiKey={key} />
                </Table.Td>
                <Table.Td>{format.dateTime(key.created_at)}</Table.Td>
                <Table.Td>{key.last_used_at ? format.dateTime(key.last_used_at) : tMain('common.never')}</Table.Td>
                {mayRevoke && (
                  <Table.Td>
                    {key.status === 'active' && <RowActions actions={[{ label: t('userDetail.revoke'), onClick: () => revocation.ask(key), danger: true }]} />}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        {...revocation.dialog}
        title={t('userDetail.revokeTitle')}
        body={t('userDetail.revokeBody', { name: revoking?.name || revoking?.key_prefix || '' })}
        confirmLabel={t('userDetail.revoke')}
      />
    </>
  );
}
