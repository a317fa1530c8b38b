import { Anchor, Badge, Group, Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { UserStatusBadge } from '../../components/admin/common/badges';
import { RelatedLinks } from '../../components/admin/common/related-links';
import { AdminOrdersTable } from '../../components/admin/orders/admin-orders-table';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { GrantPackageForm } from '../../components/admin/users/grant-package-form';
import { IssueKeyForm } from '../../components/admin/users/issue-key';
import { UserActions } from '../../components/admin/users/user-actions';
import { UserKeysTable } from '../../components/admin/users/user-keys-table';
import { UserToday } from '../../components/admin/users/user-today';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { PanelCard } from '../../components/common/page-section';
import { PeriodsTable } from '../../components/packages/periods-table';
import { useUserDetail } from '../../hooks/api/admin/users/queries';
import { useFormat } from '../../lib/format';
import { NotFoundPage } from '../not-found-page';

/** One user's whole picture, and what staff can do about it (by role). */
export function AdminUserDetailPage() {
  const { id } = useParams();
  const userId = Number(id);
  if (!Number.isSafeInteger(userId) || userId <= 0) return <NotFoundPage />;
  return <UserDetail userId={userId} />;
}

function UserDetail({ userId }: { userId: number }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const access = useStaffAccess();
  const user = useUserDetail(userId);
  const data = user.data;

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/admin/users" size="sm">
        ← {t('userDetail.back')}
      </Anchor>
      {user.isError && <ApiErrorAlert error={user.error} onRetry={() => void user.refetch()} />}
      {user.isPending && <PageLoader />}
      {data && (
        <>
          <Stack gap={0}>
            <PageHeader
              title={data.email}
              description={
                <Group gap="xs" component="span">
                  <UserStatusBadge status={data.status} />
                  <span>
                    {t('userDetail.id')} {data.id} · {t('userDetail.created')} {format.dateTime(data.created_at)}
                  </span>
                </Group>
              }
            />
            <UserActions user={data} />
          </Stack>
          <RelatedLinks
            label={t('userDetail.related')}
            links={[
              { to: `/admin/usage?userId=${data.id}`, label: t('userDetail.requests'), testId: 'user-requests-link' },
              { to: `/admin/orders?userId=${data.id}`, label: t('userDetail.allOrders'), testId: 'user-orders-link' },
              { to: `/admin/audit?targetType=user&targetId=${data.id}`, label: t('userDetail.auditEntries'), testId: 'user-audit-link' },
            ]}
          />

          <Section title={t('userDetail.today')}>
            <UserToday today={data.today} />
          </Section>

          <Section title={t('userDetail.packages')} boxed>
            <Stack gap="md">
              <PeriodsTable periods={[...data.packages].reverse()} empty={t('userDetail.noPackages')} />
              {access.change && <GrantPackageForm userId={data.id} />}
            </Stack>
          </Section>

          <Section
            title={t('userDetail.keys')}
            boxed
            extra={
              <Badge variant="light" color="gray">
                {data.api_keys.filter((key) => key.status === 'active').length}
              </Badge>
            }
          >
            <Stack gap="md">
              <UserKeysTable userId={data.id} keys={data.api_keys} mayRevoke={access.protectAccounts} />
              {access.change && <IssueKeyForm userId={data.id} />}
            </Stack>
          </Section>

          <Section title={t('userDetail.orders')} boxed>
            <AdminOrdersTable orders={data.orders} empty={t('userDetail.noOrders')} />
          </Section>
        </>
      )}
    </Stack>
  );
}

function Section({ title, children, boxed = false, extra }: { title: string; children: ReactNode; boxed?: boolean; extra?: ReactNode }) {
  if (boxed) {
    return (
      <PanelCard title={title} extra={extra}>
        {children}
      </PanelCard>
    );
  }
  return (
    <Stack gap={0}>
      <Title order={2} size="h4" mb="sm">
        {title}
      </Title>
      {children}
    </Stack>
  );
}
