import { Anchor, Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CodeView } from '../../../hooks/api/admin/codes/types';
import { useFormat } from '../../../lib/format';
import { statusColor } from '../../../lib/status-colors';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Codes with their batch and who redeemed each. */
export function CodesTable({ codes, packageName }: { codes: CodeView[]; packageName: (id: number) => string | undefined }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  if (codes.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        {t('codes.empty')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped fz="sm" style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('codes.columns.code')}</Table.Th>
            <Table.Th>{t('codes.columns.package')}</Table.Th>
            <Table.Th>{t('codes.columns.batch')}</Table.Th>
            <Table.Th>{t('codes.columns.status')}</Table.Th>
            <Table.Th>{t('codes.columns.created')}</Table.Th>
            <Table.Th>{t('codes.columns.redeemedBy')}</Table.Th>
            <Table.Th>{t('codes.columns.redeemedAt')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {codes.map((code) => (
            <Table.Tr key={code.id} data-testid="code-row">
              <Table.Td>
                <Text ff="monospace" size="sm" c={code.code === null ? 'dimmed' : undefined}>
                  {code.code ?? t('codes.hidden')}
                </Text>
              </Table.Td>
              <Table.Td>{packageName(code.package_id) ?? t('common.unknownPackage', { id: code.package_id })}</Table.Td>
              <Table.Td>{code.batch_name || t('common.none')}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={statusColor(code.status)}>
                  {t(`codes.statuses.${code.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>{format.dateTime(code.created_at)}</Table.Td>
              <Table.Td>
                {code.redeemed_by !== null ? (
                  <Anchor component={Link} to={`/admin/users/${code.redeemed_by}`} size="sm">
                    {code.redeemed_by_email ?? t('common.user', { id: code.redeemed_by })}
                  </Anchor>
                ) : (
                  t('common.none')
                )}
              </Table.Td>
              <Table.Td>{code.redeemed_at ? format.dateTime(code.redeemed_at) : t('common.none')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
