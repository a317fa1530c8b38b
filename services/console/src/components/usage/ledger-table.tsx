import { Button, Center, Group, Paper, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '../../hooks/api/ledger/types';
import { useFormat } from '../../lib/format';
import { RequestStatus, useIsPhone } from '../common/request-status';

// Cells keep to one line; the scroll container lets the table scroll sideways below its width.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

interface LedgerTableProps {
  entries: LedgerEntry[];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}

/** Total tokens, the prompt and completion under it, cached and reasoning tokens on hover. */
function Tokens({ entry }: { entry: LedgerEntry }) {
  const { t } = useTranslation();
  const format = useFormat();
  const n = (value: number) => format.number(value);
  return (
    <Tooltip
      label={t('usage.tokensDetail', {
        prompt: n(entry.prompt_tokens),
        cached: n(entry.cached_tokens),
        completion: n(entry.completion_tokens),
        reasoning: n(entry.reasoning_tokens),
      })}
    >
      <Stack gap={0}>
        <Text size="sm">{n(entry.total_tokens)}</Text>
        <Text size="xs" c="dimmed">
          {t('usage.tokensSplit', { prompt: n(entry.prompt_tokens), completion: n(entry.completion_tokens) })}
        </Text>
      </Stack>
    </Tooltip>
  );
}

function KeyName({ entry }: { entry: LedgerEntry }) {
  const { t } = useTranslation();
  return entry.key_name ?? t('usage.deletedKey');
}

/** The model, " · stream" for a streamed answer; "—" for a key refused before its request was read. */
function Model({ entry }: { entry: LedgerEntry }) {
  const { t } = useTranslation();
  return `${entry.model || '—'}${entry.stream ? ` · ${t('usage.streamed')}` : ''}`;
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
 * Wider than a phone: one table whose columns, in order of importance, fit a 1280 px
 * window beside the navigation (the key under the model, the token split under the total).
 */
function EntriesTable({ entries }: { entries: LedgerEntry[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover fz="sm" style={NO_WRAP} verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('usage.columns.time')}</Table.Th>
            <Table.Th>{t('usage.columns.status')}</Table.Th>
            <Table.Th>{t('usage.columns.model')}</Table.Th>
            <Table.Th ta="right">{t('usage.columns.tokens')}</Table.Th>
            <Table.Th ta="right">{t('usage.columns.cost')}</Table.Th>
            <Table.Th ta="right">{t('usage.columns.latency')}</Table.Th>
            <Table.Th>{t('usage.columns.requestId')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.request_id} data-testid="ledger-row">
              <Table.Td>{format.dateTime(entry.created_at)}</Table.Td>
              <Table.Td>
                <RequestStatus status={entry.status_code} refusal={entry.refusal} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" truncate maw={220}>
                  <Model entry={entry} />
                </Text>
                <Text size="xs" c="dimmed" truncate maw={220}>
                  <KeyName entry={entry} />
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Tokens entry={entry} />
              </Table.Td>
              <Table.Td ta="right">{format.usd(entry.cost)}</Table.Td>
              <Table.Td ta="right">{t('usage.latencyMs', { ms: format.number(entry.latency_ms) })}</Table.Td>
              <Table.Td>
                <RequestId id={entry.request_id} width={120} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A phone: one card per request, its status beside its time, every field labelled. */
function EntryCards({ entries }: { entries: LedgerEntry[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const field = (label: string, value: ReactNode) => (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {value}
      </Text>
    </div>
  );
  return (
    <Stack gap="xs">
      {entries.map((entry) => (
        <Paper key={entry.request_id} withBorder radius="sm" p="xs" data-testid="ledger-row">
          <Group justify="space-between" wrap="nowrap" mb={6}>
            <Text size="sm" fw={500}>
              {format.dateTime(entry.created_at)}
            </Text>
            <RequestStatus status={entry.status_code} refusal={entry.refusal} />
          </Group>
          <SimpleGrid cols={2} spacing="xs" verticalSpacing={6}>
            {field(t('usage.columns.model'), <Model entry={entry} />)}
            {field(t('usage.columns.key'), <KeyName entry={entry} />)}
            {field(t('usage.columns.tokens'), <Tokens entry={entry} />)}
            {field(t('usage.columns.cost'), format.usd(entry.cost))}
            {field(t('usage.columns.latency'), t('usage.latencyMs', { ms: format.number(entry.latency_ms) }))}
            {field(t('usage.columns.requestId'), <RequestId id={entry.request_id} width={150} />)}
          </SimpleGrid>
        </Paper>
      ))}
    </Stack>
  );
}

/** The metered requests (refusals included), newest first, with "Load more" following the API's cursor. */
export function LedgerTable({ entries, hasMore, loadingMore, onLoadMore }: LedgerTableProps) {
  const { t } = useTranslation();
  const phone = useIsPhone();
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        {t('usage.ledgerEmpty')}
      </Text>
    );
  }
  return (
    <>
      {phone ? <EntryCards entries={entries} /> : <EntriesTable entries={entries} />}
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
