import { Alert, Paper, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AppointStaffForm } from '../../components/admin/staff/appoint-staff-form';
import { StaffTable } from '../../components/admin/staff/staff-table';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { useStaff } from '../../hooks/api/admin/staff/queries';
import { useLoadedSession } from '../../hooks/api/session/queries';

/** Owners only: the navigation hides it from others, and the API refuses them (said here up front). */
export function AdminStaffPage() {
  const access = useStaffAccess();
  return access.manageStaff ? <StaffList /> : <NotForRole />;
}

function NotForRole() {
  const { t } = useTranslation('admin');
  return (
    <Stack gap="lg">
      <PageHeader title={t('staff.title')} />
      <Alert color="red" variant="light" role="alert">
        {t('errors.insufficient_role')}
      </Alert>
    </Stack>
  );
}

function StaffList() {
  const { t } = useTranslation('admin');
  const { user } = useLoadedSession();
  const staff = useStaff();
  return (
    <Stack gap="lg">
      <PageHeader title={t('staff.title')} description={t('staff.intro')} />
      <AppointStaffForm />
      {staff.isError && <ApiErrorAlert error={staff.error} onRetry={() => void staff.refetch()} />}
      {staff.isPending && <PageLoader />}
      {staff.data && (
        <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
          <StaffTable staff={staff.data} myId={user?.id ?? 0} />
        </Paper>
      )}
    </Stack>
  );
}
