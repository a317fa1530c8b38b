import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ModelUsageAnswer } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';

// Cells keep to one line; the scroll container lets a wide table scroll sideways on a phone.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Tokens per model over the range, with the totals as a table (readable without the chart). */
export function ModelUsageChart({ usage }: { usage: ModelUsageAnswer }) {
  const { t } = useTranslation();
  const format = useFormat();
  const totals = [...usage.totals].sort((a, b) => b.prompt_tokens + b.completion_tokens - (a.prompt_tokens + a.completion_tokens));
  const data = totals.map((row) => ({ model: row.model, prompt: row.prompt_tokens, completion: row.completion_tokens }));

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h5" mb="sm">
        {t('charts.perModel')}
      </Title>
      {totals.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('charts.empty')}
        </Text>
      ) : (
        <>
          <BarChart
            h={Math.max(160, 48 * data.length)}
            data={data}
            dataKey="model"
            orientation="vertical"
            type="stacked"
            series={[
              { name: 'prompt', label: t('charts.promptTokens'), color: 'indigo.6' },
              { name: 'completion', label: t('charts.completionTokens'), color: 'teal.6' },
            ]}
            valueFormatter={format.number}
            xAxisProps={{ tickFormatter: format.compact }}
            yAxisProps={{ width: 120 }}
            withLegend
            gridAxis="y"
          />
          <Table.ScrollContainer minWidth={480} mt="md">
            <Table striped style={NO_WRAP}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('usage.columns.model')}</Table.Th>
                  <Table.Th ta="right">{t('charts.requests')}</Table.Th>
                  <Table.Th ta="right">{t('charts.promptTokens')}</Table.Th>
                  <Table.Th ta="right">{t('charts.completionTokens')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {totals.map((row) => (
                  <Table.Tr key={row.model}>
                    <Table.Td>{row.model}</Table.Td>
                    <Table.Td ta="right">{format.number(row.request_count)}</Table.Td>
                    <Table.Td ta="right">{format.number(row.prompt_tokens)}</Table.Td>
                    <Table.Td ta="right">{format.number(row.completion_tokens)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </>
      )}
    </Paper>
  );
}
