import { Button, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmModal } from '../../components/admin/common/confirm-modal';
import { ModelFormModal } from '../../components/admin/models/model-form-modal';
import { ModelsTable } from '../../components/admin/models/models-table';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { useDeleteModel } from '../../hooks/api/admin/models/mutations';
import { useModels } from '../../hooks/api/admin/models/queries';
import type { ModelView } from '../../hooks/api/admin/models/types';
import { useAdminPackages } from '../../hooks/api/admin/packages/queries';

/** The model catalogue and its prices; owners and admins add, edit and delete entries. */
export function AdminModelsPage() {
  const { t } = useTranslation('admin');
  const access = useStaffAccess();
  const models = useModels();
  const packages = useAdminPackages();
  const remove = useDeleteModel();
  const [editing, setEditing] = useState<ModelView | 'new' | null>(null);
  const [deleting, setDeleting] = useState<ModelView | null>(null);
  const onSale = (packages.data ?? []).filter((pkg) => pkg.status === 'active');

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('models.title')}
        description={t('models.intro')}
        actions={access.change && <Button onClick={() => setEditing('new')}>{t('models.create')}</Button>}
      />
      {models.isError && <ApiErrorAlert error={models.error} onRetry={() => void models.refetch()} />}
      {packages.isError && <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />}
      {models.isPending && <PageLoader />}
      {models.data && (
        <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
          {models.data.length === 0 ? (
            <Text c="dimmed" size="sm" p="sm">
              {t('models.empty')}
            </Text>
          ) : (
            <ModelsTable
              models={models.data}
              packages={onSale}
              onEdit={access.change ? setEditing : undefined}
              onDelete={
                access.change
                  ? (model) => {
                      remove.reset();
                      setDeleting(model);
                    }
                  : undefined
              }
            />
          )}
        </Paper>
      )}
      <ModelFormModal editing={editing} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={t('models.deleteTitle')}
        body={t('models.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('models.delete')}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.name, { onSuccess: () => setDeleting(null) })}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
