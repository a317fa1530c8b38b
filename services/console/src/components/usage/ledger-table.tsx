import { Button, Center, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '../../hooks/api/ledger/types';
import { UsageRowsTable, useUsageColumns } from './usage-rows-table';

interface LedgerTableProps {
  entries: LedgerEntry[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** The metered requests (refusals included), newest first, with "Load more" following the API's cursor. */
export function LedgerTable({ entries, hasMore, loadingMore, onLoadMore }: LedgerTableProps) {
  const { t } = useTranslation();
  const columns = useUsageColumns<LedgerEntry>([], { label: t('usage.columns.key'), cell: (entry) => entry.key_name ?? t('usage.deletedKey') });
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('usage.ledgerEmpty')}
      </Text>
    );
  }
  return (
    <>
      <UsageRowsTable rows={entries} columns={columns} rowTestId="ledger-row" minWidth={760} />
      {hasMore && (
        <Center mt="md">
          <Button variant="default" onClick={onLoadMore} loading={loadingMore}>
            {t('common.loadMore')}
          </Button>
        </Center>
      )}
    </>
  );
}
