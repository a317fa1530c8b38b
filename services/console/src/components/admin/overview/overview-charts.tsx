import { BarChart } from '@mantine/charts';
import { Paper, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OverviewDay } from '../../../hooks/api/admin/overview/types';
import { currencyDigits, useFormat } from '../../../lib/format';
import { ChartCard, DailyCountsChart, DailyTokensChart } from '../../common/charts';

interface DayCounts {
  date: string;
  request_count: number;
  error_count: number;
  prompt_tokens: number;
  completion_tokens: number;
}

/** Requests with errors, and tokens, per day (their scales differ by orders of magnitude). */
export function TrafficCharts({ daily }: { daily: DayCounts[] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const data = daily.map((row) => ({
    day: format.shortDay(row.date),
    requests: row.request_count,
    errors: row.error_count,
    prompt: row.prompt_tokens,
    completion: row.completion_tokens,
  }));
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <ChartCard title={t('overview.requestsChart')}>
        <DailyCountsChart
          data={data}
          series={[
            { name: 'requests', label: t('overview.requests'), color: 'blue.6' },
            { name: 'errors', label: t('overview.errors'), color: 'red.6' },
          ]}
        />
      </ChartCard>
      <ChartCard title={t('overview.tokensChart')}>
        <DailyTokensChart data={data} />
      </ChartCard>
    </SimpleGrid>
  );
}

/** Revenue per day, one chart per currency (amounts of different currencies do not add up). */
export function RevenueCharts({ daily }: { daily: OverviewDay[] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const currencies = [...new Set(daily.flatMap((day) => Object.keys(day.revenue)))].sort();
  if (currencies.length === 0) {
    return (
      <Paper withBorder p="md" radius="md">
        <Text size="sm" c="dimmed">
          {t('overview.noRevenueChart')}
        </Text>
      </Paper>
    );
  }
  return (
    <SimpleGrid cols={{ base: 1, md: currencies.length > 1 ? 2 : 1 }}>
      {currencies.map((currency) => {
        const scale = 10 ** currencyDigits(currency);
        const data = daily.map((day) => ({ day: format.shortDay(day.date), revenue: (day.revenue[currency] ?? 0) / scale }));
        return (
          <ChartCard key={currency} title={t('overview.revenueChart', { currency })}>
            <BarChart
              h={200}
              data={data}
              dataKey="day"
              series={[{ name: 'revenue', label: t('overview.revenue'), color: 'teal.6' }]}
              valueFormatter={(value) => format.money(Math.round(value * scale), currency)}
              yAxisProps={{ tickFormatter: format.compact, width: 56 }}
            />
          </ChartCard>
        );
      })}
    </SimpleGrid>
  );
}
