import '@mantine/charts/styles.css';
import { AreaChart, BarChart } from '@mantine/charts';
import { Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DailyUsageRow } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';

/** Requests and tokens per day, side by side (their scales differ by orders of magnitude). */
export function DailyUsageCharts({ daily }: { daily: DailyUsageRow[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const data = daily.map((row) => ({
    day: format.shortDay(row.date),
    requests: row.request_count,
    prompt: row.prompt_tokens,
    completion: row.completion_tokens,
  }));
  const empty = daily.every((row) => row.request_count === 0 && row.prompt_tokens === 0 && row.completion_tokens === 0);

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h5" mb="sm">
          {t('charts.dailyRequests')}
        </Title>
        {empty && <EmptyNote />}
        <BarChart
          h={220}
          data={data}
          dataKey="day"
          series={[{ name: 'requests', label: t('charts.requests'), color: 'blue.6' }]}
          valueFormatter={format.number}
          yAxisProps={{ tickFormatter: format.compact, width: 48 }}
        />
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h5" mb="sm">
          {t('charts.dailyTokens')}
        </Title>
        {empty && <EmptyNote />}
        <AreaChart
          h={220}
          data={data}
          dataKey="day"
          type="stacked"
          series={[
            { name: 'prompt', label: t('charts.promptTokens'), color: 'indigo.6' },
            { name: 'completion', label: t('charts.completionTokens'), color: 'teal.6' },
          ]}
          valueFormatter={format.number}
          yAxisProps={{ tickFormatter: format.compact, width: 48 }}
          withDots={false}
          withLegend
        />
      </Paper>
    </SimpleGrid>
  );
}

function EmptyNote() {
  const { t } = useTranslation();
  return (
    <Text size="sm" c="dimmed" mb="xs">
      {t('charts.empty')}
    </Text>
  );
}
