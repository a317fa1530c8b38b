import { SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DailyUsageRow } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';
import { ChartCard, DailyCountsChart, DailyTokensChart } from '../common/charts';

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
      <ChartCard title={t('charts.dailyRequests')}>
        {empty && <EmptyNote />}
        <DailyCountsChart data={data} series={[{ name: 'requests', label: t('charts.requests'), color: 'blue.6' }]} />
      </ChartCard>
      <ChartCard title={t('charts.dailyTokens')}>
        {empty && <EmptyNote />}
        <DailyTokensChart data={data} />
      </ChartCard>
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
