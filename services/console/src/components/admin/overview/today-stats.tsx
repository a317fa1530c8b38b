import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OverviewDay } from '../../../hooks/api/admin/overview/types';
import { useFormat } from '../../../lib/format';
import { StatCard } from '../common/stat-card';

/** Today's figures: requests, tokens, errors, revenue per currency, new customers. */
export function TodayStats({ today }: { today: OverviewDay }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const revenue = Object.entries(today.revenue).filter(([, amount]) => amount !== 0);
  return (
    <SimpleGrid cols={{ base: 2, md: 5 }} spacing={{ base: 'xs', sm: 'md' }}>
      <StatCard
        label={t('overview.requests')}
        value={format.number(today.request_count)}
        hint={t('overview.activeUsers', { count: today.user_count })}
        data-testid="stat-requests"
      />
      <StatCard
        label={t('overview.tokens')}
        value={format.number(today.prompt_tokens + today.completion_tokens)}
        hint={`${format.compact(today.prompt_tokens)} + ${format.compact(today.completion_tokens)}`}
        data-testid="stat-tokens"
      />
      <StatCard
        label={t('overview.errors')}
        value={format.number(today.error_count)}
        hint={t('overview.refusals', { n: format.number(today.refusal_count) })}
        data-testid="stat-errors"
      />
      <StatCard
        label={t('overview.revenue')}
        value={
          revenue.length === 0 ? (
            <Text span c="dimmed" size="md">
              {t('overview.noRevenue')}
            </Text>
          ) : (
            <Stack gap={0}>
              {revenue.map(([currency, amount]) => (
                <span key={currency}>{format.money(amount, currency)}</span>
              ))}
            </Stack>
          )
        }
        data-testid="stat-revenue"
      />
      <StatCard label={t('overview.newCustomers')} value={format.number(today.new_customers)} data-testid="stat-new-customers" />
    </SimpleGrid>
  );
}
