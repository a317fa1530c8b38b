import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ModelUsageAnswer } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';
import { ChartCard, useTokenSeries } from '../common/charts';
import { TableHead } from '../common/table-head';

// Cells keep to one line; the scroll container lets a wide table scroll sideways on a phone.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Tokens per model over the range, with the totals as a table (readable without the chart). */
export function ModelUsageChart({ usage }: { usage: ModelUsageAnswer }) {
  const { t } = useTranslation();
  const format = useFormat();
  const tokenSeries = useTokenSeries();
  const totals = [...usage.totals].sort((a, b) => b.prompt_tokens + b.completion_tokens - (a.prompt_tokens + a.completion_tokens));
  const data = totals.map((row) => ({ model: row.model, prompt: row.prompt_tokens, completion: row.completion_tokens }));

  return (
    <ChartCard title={t('charts.perModel')}>
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
            series={tokenSeries}
            valueFormatter={format.number}
            xAxisProps={{ tickFormatter: format.compact }}
            yAxisProps={{ width: 120 }}
            withLegend
            gridAxis="y"
          />
          <Table.ScrollContainer minWidth={480} mt="md">
            <Table striped style={NO_WRAP}>
              <TableHead
                columns={[
                  t('usage.columns.model'),
                  { label: t('charts.requests'), numeric: true },
                  { label: t('charts.promptTokens'), numeric: true },
                  { label: t('charts.completionTokens'), numeric: true },
                ]}
              />
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
    </ChartCard>
  );
}
