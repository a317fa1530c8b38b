import { Grid, Paper, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { PageSection } from '../components/common/page-section';
import { CurrentPlanCard } from '../components/packages/current-plan-card';
import { PeriodsTable } from '../components/packages/periods-table';
import { DailyUsageCharts } from '../components/usage/daily-usage-charts';
import { LimitReachedAlert } from '../components/usage/limit-reached-alert';
import { UsageWindows } from '../components/usage/usage-windows';
import { useMyPackages } from '../hooks/api/packages/queries';
import { useDailyUsage, useTodayUsage } from '../hooks/api/usage/queries';
import { lastDays } from '../lib/dates';

/** The plan, its use against every limit window, the last 30 days and what is queued next. */
export function OverviewPage() {
  const { t } = useTranslation();
  const today = useTodayUsage();
  const packages = useMyPackages();
  // The 30 days end on the gateway's business day, which may differ from the browser's date.
  const daily = useDailyUsage(today.data ? lastDays(today.data.date, 30) : null);

  return (
    <Stack gap="lg">
      <PageHeader title={t('overview.title')} />
      {today.isError && <ApiErrorAlert error={today.error} onRetry={() => void today.refetch()} />}
      {today.isPending && <PageLoader />}
      {today.data && <LimitReachedAlert today={today.data} />}
      {today.data && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 4 }}>
            <CurrentPlanCard today={today.data} period={packages.data?.current} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <PageSection title={t('overview.usage')}>
              <UsageWindows today={today.data} />
            </PageSection>
          </Grid.Col>
        </Grid>
      )}

      <PageSection title={t('overview.last30')}>
        {daily.isError && <ApiErrorAlert error={daily.error} onRetry={() => void daily.refetch()} />}
        {daily.data ? <DailyUsageCharts daily={daily.data.daily} /> : !daily.isError && <PageLoader />}
      </PageSection>

      <PageSection title={t('overview.queued')}>
        {packages.isError && <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />}
        {packages.data && (
          <Paper withBorder p="md" radius="md">
            <PeriodsTable periods={packages.data.queued} empty={t('overview.queuedEmpty')} />
          </Paper>
        )}
      </PageSection>
    </Stack>
  );
}
