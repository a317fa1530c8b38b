import { Anchor, Group, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { UsageRequestView } from '../../../hooks/api/admin/usage/types';
import { useFormat } from '../../../lib/format';
import { RequestStatus, useIsPhone } from '../../common/request-status';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Total tokens, the prompt and completion under it, cached and reasoning tokens on hover. */
function Tokens({ row }: { row: UsageRequestView }) {
  const { t } = useTranslation();
  const format = useFormat();
  const n = (value: number) => format.number(value);
  return (
    <Tooltip
      label={t('usage.tokensDetail', {
        prompt: n(row.prompt_tokens),
        cached: n(row.cached_tokens),
        completion: n(row.completion_tokens),
        reasoning: n(row.reasoning_tokens),
      })}
    >
      <Stack gap={0}>
        <Text size="sm">{n(row.total_tokens)}</Text>
        <Text size="xs" c="dimmed">
          {t('usage.tokensSplit', { prompt: n(row.prompt_tokens), completion: n(row.completion_tokens) })}
        </Text>
      </Stack>
    </Tooltip>
  );
}

function UserLink({ row }: { row: UsageRequestView }) {
  return (
    <Anchor component={Link} to={`/admin/users/${row.user_id}`} size="sm">
      {row.user_id}
    </Anchor>
  );
}

function RequestId({ id, width }: { id: string; width: number }) {
  return (
    <Tooltip label={id}>
      <Text ff="monospace" size="xs" truncate maw={width}>
        {id}
      </Text>
    </Tooltip>
  );
}

/** Wider than a phone: the columns in order of importance; the key under the user, the channel under the model. */
function RowsTable({ rows }: { rows: UsageRequestView[] }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover fz="sm" style={NO_WRAP} verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('usage.columns.time')}</Table.Th>
            <Table.Th>{t('usage.columns.status')}</Table.Th>
            <Table.Th>{t('usage.columns.user')}</Table.Th>
            <Table.Th>{t('usage.columns.model')}</Table.Th>
            <Table.Th ta="right">{tMain('usage.columns.tokens')}</Table.Th>
            <Table.Th ta="right">{t('usage.columns.cost')}</Table.Th>
            <Table.Th ta="right">{t('usage.columns.latency')}</Table.Th>
            <Table.Th>{t('usage.columns.requestId')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.request_id} data-testid="usage-request-row">
              <Table.Td>{format.dateTime(row.created_at)}</Table.Td>
              <Table.Td>
                <RequestStatus status={row.status_code} refusal={row.refusal} />
              </Table.Td>
              <Table.Td>
                <UserLink row={row} />
                <Text size="xs" c="dimmed">
                  {t('usage.columns.key')} {row.api_key_id ?? t('common.none')}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" truncate maw={200}>
                  {row.model || t('common.none')}
                  {row.stream ? ` · ${tMain('usage.streamed')}` : ''}
                </Text>
                <Text size="xs" c="dimmed" truncate maw={200}>
                  {row.channel ?? t('common.none')}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Tokens row={row} />
              </Table.Td>
              <Table.Td ta="right">{format.usd(row.cost)}</Table.Td>
              <Table.Td ta="right">{t('usage.latencyMs', { ms: format.number(row.latency_ms) })}</Table.Td>
              <Table.Td>
                <RequestId id={row.request_id} width={120} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A phone: one card per request, its status beside its time, every field labelled. */
function RowCards({ rows }: { rows: UsageRequestView[] }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  const field = (label: string, value: ReactNode) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" truncate>
        {value}
      </Text>
    </div>
  );
  return (
    <Stack gap="xs">
      {rows.map((row) => (
        <Paper key={row.request_id} withBorder radius="sm" p="xs" data-testid="usage-request-row">
          <Group justify="space-between" wrap="nowrap" mb={6}>
            <Text size="sm" fw={500}>
              {format.dateTime(row.created_at)}
            </Text>
            <RequestStatus status={row.status_code} refusal={row.refusal} />
          </Group>
          <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
            {field(t('usage.columns.user'), <UserLink row={row} />)}
            {field(t('usage.columns.key'), row.api_key_id ?? t('common.none'))}
            {field(t('usage.columns.model'), `${row.model || t('common.none')}${row.stream ? ` · ${tMain('usage.streamed')}` : ''}`)}
            {field(t('usage.columns.channel'), row.channel ?? t('common.none'))}
            {field(tMain('usage.columns.tokens'), <Tokens row={row} />)}
            {field(t('usage.columns.cost'), format.usd(row.cost))}
            {field(t('usage.columns.latency'), t('usage.latencyMs', { ms: format.number(row.latency_ms) }))}
            {field(t('usage.columns.requestId'), <RequestId id={row.request_id} width={150} />)}
          </SimpleGrid>
        </Paper>
      ))}
    </Stack>
  );
}

/** Relayed and refused requests, newest first, each with its user (linked), key, model, channel, tokens, cost, status and latency. */
export function RequestsTable({ rows }: { rows: UsageRequestView[] }) {
  const { t } = useTranslation('admin');
  const phone = useIsPhone();
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('usage.empty')}
      </Text>
    );
  }
  return phone ? <RowCards rows={rows} /> : <RowsTable rows={rows} />;
}
