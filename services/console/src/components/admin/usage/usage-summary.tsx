import { SegmentedControl, SimpleGrid, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UsageSummaryView } from '../../../hooks/api/admin/usage/types';
import { useFormat } from '../../../lib/format';
import { PanelCard, TwoColumns } from '../../common/page-section';
import { StatCard } from '../common/stat-card';
import { TrafficCharts } from '../overview/overview-charts';
import { TopModelsTable, TopUsersTable } from '../overview/top-tables';

type Ranking = 'by_requests' | 'by_tokens';

/** A range's totals, its days, and its top users and models by requests or by tokens. */
export function UsageSummary({ summary }: { summary: UsageSummaryView }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const [ranking, setRanking] = useState<Ranking>('by_requests');
  const totals = summary.totals;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing={{ base: 'xs', sm: 'md' }}>
        <StatCard label={t('usage.requests')} value={format.number(totals.request_count)} />
        <StatCard
          label={t('usage.tokens')}
          value={format.number(totals.prompt_tokens + totals.completion_tokens)}
          hint={`${format.compact(totals.prompt_tokens)} + ${format.compact(totals.completion_tokens)}`}
        />
        <StatCard
          label={t('usage.errors')}
          value={format.number(totals.error_count)}
          hint={t('usage.refusals', { n: format.number(totals.refusal_count) })}
          data-testid="stat-errors"
        />
        <StatCard label={t('usage.users')} value={format.number(totals.user_count)} />
      </SimpleGrid>
      <TrafficCharts daily={summary.daily} />
      <SegmentedControl
        value={ranking}
        onChange={(value) => setRanking(value as Ranking)}
        data={[
          { value: 'by_requests', label: t('usage.byRequests') },
          { value: 'by_tokens', label: t('usage.byTokens') },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <TwoColumns>
        <PanelCard title={t('usage.topUsers')} level={3}>
          <TopUsersTable users={summary.top_users[ranking]} empty={t('usage.noTop')} />
        </PanelCard>
        <PanelCard title={t('usage.topModels')} level={3}>
          <TopModelsTable models={summary.top_models[ranking]} empty={t('usage.noTop')} />
        </PanelCard>
      </TwoColumns>
    </Stack>
  );
}
