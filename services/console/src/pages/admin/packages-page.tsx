import { Button, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/admin/common/confirm-modal';
import { PackageFormModal } from '../../components/admin/packages/package-form-modal';
import { PackagesTable } from '../../components/admin/packages/packages-table';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { RelatedLinks } from '../../components/admin/common/related-links';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { useRetirePackage } from '../../hooks/api/admin/packages/mutations';
import { useAdminPackages } from '../../hooks/api/admin/packages/queries';
import type { AdminPackageView } from '../../hooks/api/admin/packages/types';

export function AdminPackagesPage() {
  const { t } = useTranslation('admin');
  const access = useStaffAccess();
  const packages = useAdminPackages();
  const retire = useRetirePackage();
  const [editing, setEditing] = useState<AdminPackageView | 'new' | null>(null);
  const [retiring, setRetiring] = useState<AdminPackageView | null>(null);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('packages.title')}
        description={t('packages.intro')}
        actions={access.change && <Button onClick={() => setEditing('new')}>{t('packages.create')}</Button>}
      />
      <RelatedLinks
        label={t('packages.related')}
        links={[
          { to: '/admin/codes', label: t('packages.codesLink') },
          { to: '/admin/orders', label: t('packages.ordersLink') },
          { to: '/admin/audit?targetType=package', label: t('packages.auditLink') },
        ]}
      />
      {packages.isError && <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />}
      {packages.isPending && <PageLoader />}
      {packages.data && (
        <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
          {packages.data.length === 0 ? (
            <Text c="dimmed" size="sm" p="sm">
              {t('packages.empty')}
            </Text>
          ) : (
            <PackagesTable
              packages={packages.data}
              onEdit={access.change ? setEditing : undefined}
              onRetire={
                access.change
                  ? (pkg) => {
                      retire.reset();
                      setRetiring(pkg);
                    }
                  : undefined
              }
            />
          )}
        </Paper>
      )}
      <PackageFormModal editing={editing} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={retiring !== null}
        title={t('packages.retireTitle')}
        body={t('packages.retireBody', { name: retiring?.name ?? '' })}
        confirmLabel={t('packages.retire')}
        pending={retire.isPending}
        error={retire.error}
        onConfirm={() => retiring && retire.mutate(retiring.id, { onSuccess: () => setRetiring(null) })}
        onClose={() => setRetiring(null)}
      />
    </Stack>
  );
}
