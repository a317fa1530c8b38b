import { Alert, Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useGrantPackage } from '../../../hooks/api/admin/packages/mutations';
import { useAdminPackages } from '../../../hooks/api/admin/packages/queries';
import { useFormat } from '../../../lib/format';
import { validate } from '../../../lib/form-validation';
import { ApiErrorAlert } from '../../common/api-error-alert';

/** A package for free, queued after the current one (retired packages cannot be granted). */
export function GrantPackageForm({ userId }: { userId: number }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const packages = useAdminPackages();
  const grant = useGrantPackage(userId);
  const [packageId, setPackageId] = useState('');
  const [missing, setMissing] = useState(false);
  const onSale = (packages.data ?? []).filter((p) => p.status === 'active');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('grantPackageRequest', { package_id: packageId === '' ? null : Number(packageId) });
    setMissing(checked.data === null);
    if (checked.data) grant.mutate(checked.data.package_id, { onSuccess: () => setPackageId('') });
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="xs">
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label={t('common.package')}
            value={packageId}
            onChange={(event) => {
              setPackageId(event.currentTarget.value);
              grant.reset();
            }}
            data={[
              { value: '', label: t('userDetail.choosePackage') },
              ...onSale.map((p) => ({ value: String(p.id), label: `${p.name} · ${format.money(p.price_cents, p.currency)}` })),
            ]}
            error={missing ? t('codes.validation.package') : undefined}
            w={{ base: '100%', xs: 320 }}
          />
          <Button type="submit" loading={grant.isPending}>
            {t('userDetail.grant')}
          </Button>
        </Group>
        <Text size="xs" c="dimmed">
          {t('userDetail.grantHint')}
        </Text>
        {packages.isError && <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />}
        {grant.isError && <ApiErrorAlert error={grant.error} />}
        {grant.isSuccess && (
          <Alert color="teal" variant="light" role="status" py="xs">
            {t('userDetail.granted')}
          </Alert>
        )}
      </Stack>
    </form>
  );
}
