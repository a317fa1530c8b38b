import { Button, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ClusterState } from '../../components/admin/overview/cluster-state';
import { SetupChecklistPanel } from '../../components/admin/overview/setup-checklist';
import { RevenueCharts, TrafficCharts } from '../../components/admin/overview/overview-charts';
import { TodayStats } from '../../components/admin/overview/today-stats';
import { TopModelsTable, TopUsersTable } from '../../components/admin/overview/top-tables';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { PageSection, PanelCard, TwoColumns } from '../../components/common/page-section';
import { useAdminOverview } from '../../hooks/api/admin/overview/queries';
import { useSetupChecklist } from '../../hooks/api/admin/setup/queries';
import { useFormat } from '../../lib/format';

/** The business today and over 30 days, the heaviest users and models, and the cluster's state. */
export function AdminOverviewPage() {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const overview = useAdminOverview();
  const setup = useSetupChecklist();
  const data = overview.data;

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('overview.title')}
        actions={
          <Button
            variant="default"
            onClick={() => void Promise.all([overview.refetch(), setup.refetch()])}
            loading={overview.isFetching && !overview.isPending}
          >
            {t('overview.refresh')}
          </Button>
        }
      />
      {setup.data && <SetupChecklistPanel checklist={setup.data} />}
      {overview.isError && <ApiErrorAlert error={overview.error} onRetry={() => void overview.refetch()} />}
      {overview.isPending && <PageLoader />}
      {data && (
        <>
          <PageSection title={t('overview.today', { date: format.day(data.date), zone: data.time_zone })}>
            <TodayStats today={data.today} />
          </PageSection>

          <PageSection title={t('overview.last30')}>
            <TrafficCharts daily={data.daily} />
            <RevenueCharts daily={data.daily} />
          </PageSection>

          <TwoColumns>
            <PanelCard title={t('overview.topUsers')}>
              <TopUsersTable users={data.top_users} empty={t('overview.noTop')} />
            </PanelCard>
            <PanelCard title={t('overview.topModels')}>
              <TopModelsTable models={data.top_models} empty={t('overview.noTop')} />
            </PanelCard>
          </TwoColumns>

          <PageSection title={t('overview.cluster')}>
            <ClusterState cluster={data.cluster} />
          </PageSection>
        </>
      )}
    </Stack>
  );
}
