import '@mantine/charts/styles.css';
import { AreaChart, BarChart, type BarChartSeries } from '@mantine/charts';
import { Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';

/** A chart in a card under its h3. */
export function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** A token count in its two parts, stacked: what was sent and what came back. */
export function useTokenSeries() {
  const { t } = useTranslation();
  return [
    { name: 'prompt', label: t('charts.promptTokens'), color: 'indigo.6' },
    { name: 'completion', label: t('charts.completionTokens'), color: 'teal.6' },
  ];
}

/** Counts per day as bars, with a legend once there is more than one series to tell apart. */
export function DailyCountsChart({ data, series }: { data: Array<{ day: string }>; series: BarChartSeries[] }) {
  const format = useFormat();
  return (
    <BarChart
      h={220}
      data={data}
      dataKey="day"
      series={series}
      valueFormatter={format.number}
      yAxisProps={{ tickFormatter: format.compact, width: 48 }}
      withLegend={series.length > 1}
    />
  );
}

/** Tokens per day, prompt and completion stacked. */
export function DailyTokensChart({ data }: { data: Array<{ day: string; prompt: number; completion: number }> }) {
  const format = useFormat();
  return (
    <AreaChart
      h={220}
      data={data}
      dataKey="day"
      type="stacked"
      series={useTokenSeries()}
      valueFormatter={format.number}
      yAxisProps={{ tickFormatter: format.compact, width: 48 }}
      withDots={false}
      withLegend
    />
  );
}
