import { Anchor, Badge, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { UsageRequestView } from '../../../hooks/api/admin/usage/types';
import { useFormat } from '../../../lib/format';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Relayed requests, newest first, each with its user (linked), key, tokens, cost, channel, status and latency. */
export function RequestsTable({ rows }: { rows: UsageRequestView[] }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('usage.empty')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={1420}>
      <Table striped highlightOnHover fz="sm" style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('usage.columns.time')}</Table.Th>
            <Table.Th>{t('usage.columns.user')}</Table.Th>
            <Table.Th>{t('usage.columns.key')}</Table.Th>
            <Table.Th>{t('usage.columns.model')}</Table.Th>
            <Table.Th>{t('usage.columns.channel')}</Table.Th>
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
          {rows.map((row) => (
            <Table.Tr key={row.request_id} data-testid="usage-request-row">
              <Table.Td>{format.dateTime(row.created_at)}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/admin/users/${row.user_id}`} size="sm">
                  {row.user_id}
                </Anchor>
              </Table.Td>
              <Table.Td>{row.api_key_id ?? t('common.none')}</Table.Td>
              <Table.Td>{row.model}</Table.Td>
              <Table.Td>{row.channel ?? t('common.none')}</Table.Td>
              <Table.Td>{row.stream ? tMain('common.yes') : tMain('common.no')}</Table.Td>
              <Table.Td ta="right">{format.number(row.prompt_tokens)}</Table.Td>
              <Table.Td ta="right">{format.number(row.completion_tokens)}</Table.Td>
              <Table.Td ta="right">{format.number(row.total_tokens)}</Table.Td>
              <Table.Td ta="right">{format.number(row.cached_tokens)}</Table.Td>
              <Table.Td ta="right">{format.number(row.reasoning_tokens)}</Table.Td>
              <Table.Td ta="right">{format.usd(row.cost)}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={row.status_code < 400 ? 'teal' : row.status_code < 500 ? 'orange' : 'red'}>
                  {row.status_code}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{t('usage.latencyMs', { ms: format.number(row.latency_ms) })}</Table.Td>
              <Table.Td>
                <Tooltip label={row.request_id}>
                  <Text ff="monospace" size="xs" truncate maw={160}>
                    {row.request_id}
                  </Text>
                </Tooltip>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
