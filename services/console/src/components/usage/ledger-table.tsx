import { Badge, Button, Center, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '../../hooks/api/ledger/types';
import { useFormat } from '../../lib/format';

// Cells keep to one line; the scroll container lets a wide table scroll sideways on a phone.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface LedgerTableProps {
  entries: LedgerEntry[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** The metered requests, newest first, with "Load more" following the API's cursor. */
export function LedgerTable({ entries, hasMore, loadingMore, onLoadMore }: LedgerTableProps) {
  const { t } = useTranslation();
  const format = useFormat();
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('usage.ledgerEmpty')}
      </Text>
    );
  }
  return (
    <>
      <Table.ScrollContainer minWidth={1240}>
        <Table striped highlightOnHover fz="sm" style={NO_WRAP}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('usage.columns.time')}</Table.Th>
              <Table.Th>{t('usage.columns.key')}</Table.Th>
              <Table.Th>{t('usage.columns.model')}</Table.Th>
              <Table.Th>{t('usage.columns.stream')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.prompt')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.completion')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.total')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.cached')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.reasoning')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.cost')}</Table.Th>
              <Table.Th>{t('usage.columns.status')}</Table.Th>
              <Table.Th ta="right">{t('usage.columns.latency')}</Table.Th>
              <Table.Th>{t('usage.columns.requestId')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => (
              <Table.Tr key={entry.request_id} data-testid="ledger-row">
                <Table.Td>{format.dateTime(entry.created_at)}</Table.Td>
                <Table.Td>{entry.key_name ?? <Text c="dimmed">{t('usage.deletedKey')}</Text>}</Table.Td>
                <Table.Td>{entry.model}</Table.Td>
                <Table.Td>{entry.stream ? t('common.yes') : t('common.no')}</Table.Td>
                <Table.Td ta="right">{format.number(entry.prompt_tokens)}</Table.Td>
                <Table.Td ta="right">{format.number(entry.completion_tokens)}</Table.Td>
                <Table.Td ta="right">{format.number(entry.total_tokens)}</Table.Td>
                <Table.Td ta="right">{format.number(entry.cached_tokens)}</Table.Td>
                <Table.Td ta="right">{format.number(entry.reasoning_tokens)}</Table.Td>
                <Table.Td ta="right">{format.usd(entry.cost)}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color={entry.status_code < 400 ? 'teal' : 'red'}>
                    {entry.status_code}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">{t('usage.latencyMs', { ms: format.number(entry.latency_ms) })}</Table.Td>
                <Table.Td>
                  <Tooltip label={entry.request_id}>
                    <Text ff="monospace" size="xs" truncate maw={140}>
                      {entry.request_id}
                    </Text>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
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
