import { Alert, Anchor, Paper, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useRoutes } from 'react-router';
import { useLoadedSession } from '../../hooks/api/session/queries';
import { useAdminStrings } from '../../i18n/admin/admin-strings';
import { PageLoader } from '../common/page-loader';
import { usePageTitle } from '../common/use-page-title';

// Each page is its own chunk, fetched when first visited.
const page = <K extends string>(load: () => Promise<Record<K, () => React.JSX.Element>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
const OverviewPage = page(() => import('../../pages/admin/overview-page'), 'AdminOverviewPage');
const UsersPage = page(() => import('../../pages/admin/users-page'), 'AdminUsersPage');
const UserDetailPage = page(() => import('../../pages/admin/user-detail-page'), 'AdminUserDetailPage');
const PackagesPage = page(() => import('../../pages/admin/packages-page'), 'AdminPackagesPage');
const ModelsPage = page(() => import('../../pages/admin/models-page'), 'AdminModelsPage');
const ChannelsPage = page(() => import('../../pages/admin/channels-page'), 'AdminChannelsPage');
const OrdersPage = page(() => import('../../pages/admin/orders-page'), 'AdminOrdersPage');
const OrderDetailPage = page(() => import('../../pages/admin/order-detail-page'), 'AdminOrderDetailPage');
const CodesPage = page(() => import('../../pages/admin/codes-page'), 'AdminCodesPage');
const UsagePage = page(() => import('../../pages/admin/usage-page'), 'AdminUsagePage');
const AuditPage = page(() => import('../../pages/admin/audit-page'), 'AdminAuditPage');
const StaffPage = page(() => import('../../pages/admin/staff-page'), 'AdminStaffPage');
const NotFoundPage = page(() => import('../../pages/not-found-page'), 'NotFoundPage');

/**
 * The Operations pages' frame (a lazily loaded chunk): adds their strings, keeps customers
 * out, and tells staff without a second factor why the pages will not answer.
 * The server enforces every rule anyway. The route table is here rather than in app.tsx,
 * so the customers' first chunk does not carry it.
 */
export function AdminArea() {
  useAdminStrings();
  const { t } = useTranslation('admin');
  const { user } = useLoadedSession();

  if (!user?.role) return <NotStaff />;
  const needsSecondFactor = !user.totp_enabled;
  return (
    <Stack gap="lg">
      {needsSecondFactor && (
        <Alert color="yellow" variant="light" title={t('gate.mfaTitle')} role="alert" data-testid="mfa-required">
          <Stack gap={4} align="flex-start">
            <Text size="sm">{t('gate.mfaBody')}</Text>
            <Anchor component={Link} to="/account#two-factor" size="sm" fw={600}>
              {t('gate.mfaLink')}
            </Anchor>
          </Stack>
        </Alert>
      )}
      {/* A page's chunk loading keeps the alert above in place. */}
      <Suspense fallback={<PageLoader />}>
        <AdminRoutes />
      </Suspense>
    </Stack>
  );
}

/** The Operations routes below /admin (useRoutes: the <Routes> element would add router code to the first load). */
function AdminRoutes() {
  return useRoutes([
    { index: true, element: <OverviewPage /> },
    { path: 'users', element: <UsersPage /> },
    { path: 'users/:id', element: <UserDetailPage /> },
    { path: 'packages', element: <PackagesPage /> },
    { path: 'models', element: <ModelsPage /> },
    { path: 'channels', element: <ChannelsPage /> },
    { path: 'orders', element: <OrdersPage /> },
    { path: 'orders/:orderNo', element: <OrderDetailPage /> },
    { path: 'codes', element: <CodesPage /> },
    { path: 'usage', element: <UsagePage /> },
    { path: 'audit', element: <AuditPage /> },
    { path: 'staff', element: <StaffPage /> },
    { path: '*', element: <NotFoundPage /> },
  ]);
}

function NotStaff() {
  const { t } = useTranslation('admin');
  usePageTitle(t('gate.notStaffTitle'));
  return (
    <Paper withBorder p="lg" radius="md" role="alert">
      <Title order={1} size="h3" mb="xs">
        {t('gate.notStaffTitle')}
      </Title>
      <Text size="sm">{t('gate.notStaffBody')}</Text>
    </Paper>
  );
}
