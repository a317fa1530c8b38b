import { Alert, Button, Group, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CodesTable } from '../../components/admin/codes/codes-table';
import { CreateCodesForm } from '../../components/admin/codes/create-codes-form';
import { IssuedCodes } from '../../components/admin/codes/issued-codes';
import { ConfirmModal } from '../../components/admin/common/confirm-modal';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PageSection } from '../../components/common/page-section';
import { PagedList } from '../../components/common/paged-list';
import { useVoidCodes } from '../../hooks/api/admin/codes/mutations';
import { codesCsvUrl, useCodes } from '../../hooks/api/admin/codes/queries';
import type { CodeFilters, CreatedCodes } from '../../hooks/api/admin/codes/types';
import { useAdminPackages, usePackageNames } from '../../hooks/api/admin/packages/queries';
import { useUrlFilters } from '../../lib/use-url-filters';

const NO_FILTERS: CodeFilters = { batch: '', status: '' };
const STATUSES = ['unused', 'redeemed', 'void'] as const;

export function AdminCodesPage() {
  const { t } = useTranslation('admin');
  const access = useStaffAccess();
  const packages = useAdminPackages();
  const packageName = usePackageNames();
  const [created, setCreated] = useState<CreatedCodes | null>(null);
  const [filters, setFilters] = useUrlFilters(NO_FILTERS);
  const [batch] = useDebouncedValue(filters.batch, 300);
  const applied = { ...filters, batch };
  const codes = useCodes(applied);
  const voidCodes = useVoidCodes();
  const [confirmingVoid, setConfirmingVoid] = useState(false);
  const batchName = applied.batch.trim();

  const onCreated = (batch: CreatedCodes) => {
    setCreated(batch);
    // The list shows the new batch, when it has a name to filter by.
    if (batch.batch_name) setFilters({ batch: batch.batch_name, status: '' });
  };

  return (
    <Stack gap="lg">
      <PageHeader title={t('codes.title')} description={t('codes.intro')} />
      {packages.isError && <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />}
      {access.change && <CreateCodesForm packages={packages.data ?? []} onCreated={onCreated} />}
      {created && <IssuedCodes created={created} packageName={packageName(created.package_id) ?? ''} onClose={() => setCreated(null)} />}

      <PageSection title={t('codes.listTitle')} boxed>
        <Group gap="sm" align="flex-end" role="search">
          <TextInput
            label={t('codes.batch')}
            value={filters.batch}
            onChange={(event) => setFilters({ ...filters, batch: event.currentTarget.value })}
            w={{ base: '100%', xs: 220 }}
          />
          <NativeSelect
            label={t('common.status')}
            value={filters.status}
            onChange={(event) => setFilters({ ...filters, status: event.currentTarget.value as CodeFilters['status'] })}
            data={[{ value: '', label: t('codes.anyStatus') }, ...STATUSES.map((status) => ({ value: status, label: t(`codes.statuses.${status}`) }))]}
            w={{ base: '100%', xs: 160 }}
          />
          <Group gap="sm" ml={{ xs: 'auto' }}>
            {/* A plain link: the browser downloads the file with the session cookie. */}
            <Button component="a" href={codesCsvUrl(applied)} download variant="default">
              {t('common.exportCsv')}
            </Button>
            {access.change && (
              <Button
                color="red"
                variant="light"
                disabled={batchName === ''}
                title={batchName === '' ? t('codes.voidNeedsBatch') : undefined}
                onClick={() => {
                  voidCodes.reset();
                  setConfirmingVoid(true);
                }}
              >
                {t('codes.voidUnused')}
              </Button>
            )}
          </Group>
        </Group>
        {access.change && batchName === '' && (
          <Text size="xs" c="dimmed">
            {t('codes.voidNeedsBatch')}
          </Text>
        )}
        {voidCodes.isSuccess && (
          <Alert color="teal" variant="light" role="status" py="xs">
            {t('codes.voided', { count: voidCodes.data.voided })}
          </Alert>
        )}
        <PagedList query={codes}>{(rows) => <CodesTable codes={rows} packageName={packageName} />}</PagedList>
      </PageSection>

      <ConfirmModal
        opened={confirmingVoid}
        title={t('codes.voidTitle')}
        body={t('codes.voidBody', { batch: batchName })}
        confirmLabel={t('codes.voidUnused')}
        pending={voidCodes.isPending}
        error={voidCodes.error}
        onConfirm={() => voidCodes.mutate({ batch_name: batchName }, { onSuccess: () => setConfirmingVoid(false) })}
        onClose={() => setConfirmingVoid(false)}
      />
    </Stack>
  );
}
