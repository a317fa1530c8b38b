import { Group, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';
import { RequestStatus, useIsPhone } from '../common/request-status';

// Cells keep to one line; the scroll container lets the table scroll sideways below its width.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** What the customer's ledger and the operator's request search both show of a metered request. */
export interface UsageRow {
  request_id: string;
  created_at: string;
  status_code: number;
  refusal: string | null;
  model: string;
  stream: boolean;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  /** What the request was billed by; a row of images, seconds or characters shows them first. */
  unit: 'tokens' | 'images' | 'seconds' | 'characters';
  units: number;
  cost: number;
  latency_ms: number;
}

/** A column beyond time and status: its cell, and a second line under it (a card shows both as fields). */
export interface UsageColumn<Row extends UsageRow> {
  id: string;
  label: string;
  numeric?: boolean;
  cell: (row: Row) => ReactNode;
  under?: { label: string; cell: (row: Row) => ReactNode };
}

/**
 * Total tokens, the prompt and completion under it, cached and reasoning tokens on hover. A
 * request billed by another unit shows it first (3 images, 42 s of audio, 120 characters),
 * its tokens under it when the upstream counted them.
 */
function Tokens({ row }: { row: UsageRow }) {
  const { t } = useTranslation();
  const format = useFormat();
  const n = (value: number) => format.number(value);
  if (row.unit !== 'tokens') {
    return (
      <Stack gap={0} data-testid="request-units">
        <Text size="sm">{t(`usage.units.${row.unit}`, { count: row.units, n: n(row.units) })}</Text>
        {row.total_tokens > 0 && (
          <Text size="xs" c="dimmed">
            {t('usage.tokensSplit', { prompt: n(row.prompt_tokens), completion: n(row.completion_tokens) })}
          </Text>
        )}
      </Stack>
    );
  }
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

function RequestId({ id, width }: { id: string; width: number }) {
  return (
    <Tooltip label={id}>
      <Text ff="monospace" size="xs" truncate maw={width}>
        {id}
      </Text>
    </Tooltip>
  );
}

/**
 * The columns every usage table has, in order of importance, after the caller's own (`before`,
 * such as the user) and with its line under the model (the key, the channel): the model, " · stream" for a streamed
 * answer, "—" for a key refused before its request was read.
 */
export function useUsageColumns<Row extends UsageRow>(before: UsageColumn<Row>[], modelUnder: UsageColumn<Row>['under']): UsageColumn<Row>[] {
  const { t } = useTranslation();
  const format = useFormat();
  return [
    ...before,
    {
      id: 'model',
      label: t('usage.columns.model'),
      cell: (row) => `${row.model || '—'}${row.stream ? ` · ${t('usage.streamed')}` : ''}`,
      under: modelUnder,
    },
    { id: 'tokens', label: t('usage.columns.tokens'), numeric: true, cell: (row) => <Tokens row={row} /> },
    { id: 'cost', label: t('usage.columns.cost'), numeric: true, cell: (row) => format.usd(row.cost) },
    { id: 'latency', label: t('usage.columns.latency'), numeric: true, cell: (row) => t('usage.latencyMs', { ms: format.number(row.latency_ms) }) },
  ];
}

interface UsageRowsTableProps<Row extends UsageRow> {
  rows: Row[];
  columns: UsageColumn<Row>[];
  /** The rows' test id: journeys find them by it. */
  rowTestId: string;
  minWidth: number;
}

/**
 * Metered requests, newest first: wider than a phone one table (time, status, then the
 * columns, the request id last); on a phone one card per request, its status beside its
 * time and every field labelled.
 */
export function UsageRowsTable<Row extends UsageRow>({ rows, columns, rowTestId, minWidth }: UsageRowsTableProps<Row>) {
  const { t } = useTranslation();
  const format = useFormat();
  const phone = useIsPhone();
  const status = (row: Row) => <RequestStatus status={row.status_code} refusal={row.refusal} />;
  if (phone) {
    const field = (label: string, value: ReactNode) => (
      <div key={label}>
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
          <Paper key={row.request_id} withBorder radius="sm" p="xs" data-testid={rowTestId}>
            <Group justify="space-between" wrap="nowrap" mb={6}>
              <Text size="sm" fw={500}>
                {format.dateTime(row.created_at)}
              </Text>
              {status(row)}
            </Group>
            <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
              {columns.flatMap((column) => [
                field(column.label, column.cell(row)),
                ...(column.under ? [field(column.under.label, column.under.cell(row))] : []),
              ])}
              {field(t('usage.columns.requestId'), <RequestId id={row.request_id} width={150} />)}
            </SimpleGrid>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped highlightOnHover fz="sm" style={NO_WRAP} verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('usage.columns.time')}</Table.Th>
            <Table.Th>{t('usage.columns.status')}</Table.Th>
            {columns.map((column) => (
              <Table.Th key={column.id} ta={column.numeric ? 'right' : undefined}>
                {column.label}
              </Table.Th>
            ))}
            <Table.Th>{t('usage.columns.requestId')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.request_id} data-testid={rowTestId}>
              <Table.Td>{format.dateTime(row.created_at)}</Table.Td>
              <Table.Td>{status(row)}</Table.Td>
              {columns.map((column) => (
                <Table.Td key={column.id} ta={column.numeric ? 'right' : undefined}>
                  {column.under ? (
                    <>
                      <Text size="sm" truncate maw={220}>
                        {column.cell(row)}
                      </Text>
                      <Text size="xs" c="dimmed" truncate maw={220}>
                        {column.under.cell(row)}
                      </Text>
                    </>
                  ) : (
                    column.cell(row)
                  )}
                </Table.Td>
              ))}
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
