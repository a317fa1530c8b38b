import { Stack } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { PageSection } from '../components/common/page-section';
import { DailyUsageCharts } from '../components/usage/daily-usage-charts';
import { DateRangeFields } from '../components/usage/date-range-fields';
import { LedgerFilters, NO_FILTERS } from '../components/usage/ledger-filters';
import { LedgerTable } from '../components/usage/ledger-table';
import { ModelUsageChart } from '../components/usage/model-usage-chart';
import { useApiKeys } from '../hooks/api/keys/queries';
import { useLedger } from '../hooks/api/ledger/queries';
import type { LedgerFilters as Filters } from '../hooks/api/ledger/types';
import { useDailyUsage, useModelUsage, useTodayUsage } from '../hooks/api/usage/queries';
import type { DayRange } from '../hooks/api/usage/types';
import { lastDays, localToday } from '../lib/dates';

export function UsagePage() {
  const { t } = useTranslation();
  const today = useTodayUsage();
  const businessDay = today.data?.date ?? (today.isError ? localToday() : null);
  // Until the person picks dates, the range is the last 30 business days.
  const [picked, setPicked] = useState<DayRange | null>(null);
  const range = picked ?? (businessDay ? lastDays(businessDay, 30) : null);
  const validRange = range && range.from <= range.to ? range : null;
  const daily = useDailyUsage(validRange);
  const models = useModelUsage(validRange);

  const keys = useApiKeys();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // Typing a model name should not fire a request per keystroke.
  const [debouncedModel] = useDebouncedValue(filters.model, 400);
  const applied = { ...filters, model: debouncedModel };
  const ledger = useLedger(applied);

  return (
    <Stack gap="lg">
      <PageHeader title={t('usage.title')} />
      {range && <DateRangeFields value={range} onChange={setPicked} max={businessDay ?? range.to} />}

      <PageSection title={t('usage.daily')}>
        {daily.isError && <ApiErrorAlert error={daily.error} onRetry={() => void daily.refetch()} />}
        {daily.data ? <DailyUsageCharts daily={daily.data.daily} /> : !daily.isError && validRange && <PageLoader />}
      </PageSection>

      <PageSection title={t('usage.models')}>
        {models.isError && <ApiErrorAlert error={models.error} onRetry={() => void models.refetch()} />}
        {models.data ? <ModelUsageChart usage={models.data} /> : !models.isError && validRange && <PageLoader />}
      </PageSection>

      <PageSection title={t('usage.ledger')} intro={t('usage.ledgerIntro')} boxed>
        <LedgerFilters
          value={filters}
          onChange={setFilters}
          applied={applied}
          keys={keys.data ?? []}
          models={models.data?.totals.map((row) => row.model) ?? []}
        />
        {ledger.isError && <ApiErrorAlert error={ledger.error} onRetry={() => void ledger.refetch()} />}
        {ledger.isPending && <PageLoader />}
        {ledger.data && (
          <LedgerTable
            entries={ledger.data.pages.flatMap((page) => page.data)}
            hasMore={ledger.hasNextPage}
            loadingMore={ledger.isFetchingNextPage}
            onLoadMore={() => void ledger.fetchNextPage()}
          />
        )}
      </PageSection>
    </Stack>
  );
}
