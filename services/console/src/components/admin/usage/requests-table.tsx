import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { UsageRequestView } from '../../../hooks/api/admin/usage/types';
import { UsageRowsTable, useUsageColumns } from '../../usage/usage-rows-table';

/** Relayed and refused requests, newest first, each with its user (linked), key, model, channel, tokens, cost, status and latency. */
export function RequestsTable({ rows }: { rows: UsageRequestView[] }) {
  const { t } = useTranslation('admin');
  const user = {
    id: 'user',
    label: t('usage.columns.user'),
    cell: (row: UsageRequestView) => (
      <Anchor component={Link} to={`/admin/users/${row.user_id}`} size="sm">
        {row.user_id}
      </Anchor>
    ),
    under: { label: t('usage.columns.key'), cell: (row: UsageRequestView) => `${t('usage.columns.key')} ${row.api_key_id ?? t('common.none')}` },
  };
  const columns = useUsageColumns<UsageRequestView>([user], { label: t('usage.columns.channel'), cell: (row) => row.channel ?? t('common.none') });
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('usage.empty')}
      </Text>
    );
  }
  return <UsageRowsTable rows={rows} columns={columns} rowTestId="usage-request-row" minWidth={820} />;
}
