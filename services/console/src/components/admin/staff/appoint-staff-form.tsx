import { Alert, Button, Group, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { STAFF_ROLES } from '@codex-gateway/backend/staff-roles';
import { useTranslation } from 'react-i18next';
import { useAppointStaff } from '../../../hooks/api/admin/staff/mutations';
import type { StaffRole } from '../../../hooks/api/admin/staff/types';
import { validate } from '../../../lib/form-validation';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { EmailField } from '../../common/email-field';

/** Gives an address a role; an address without an account gets one and a mail to choose its password. */
export function AppointStaffForm() {
  const { t } = useTranslation('admin');
  const appoint = useAppointStaff();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('support');
  const [invalid, setInvalid] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('appointStaffRequest', { email, role });
    setInvalid(checked.data === null);
    if (checked.data) appoint.mutate(checked.data, { onSuccess: () => setEmail('') });
  };

  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('staff.appointTitle')}
          </Title>
          <Group align="flex-start" gap="sm">
            <div style={{ flex: '1 1 240px', maxWidth: 340 }}>
              <EmailField value={email} onChange={setEmail} invalid={invalid} />
            </div>
            <NativeSelect
              label={t('common.role')}
              value={role}
              onChange={(event) => setRole(event.currentTarget.value as StaffRole)}
              data={STAFF_ROLES.map((value) => ({ value, label: t(`common.roles.${value}`) }))}
              w={{ base: '100%', xs: 160 }}
            />
          </Group>
          <Text size="xs" c="dimmed">
            {t('staff.appointHint')}
          </Text>
          {appoint.isError && <ApiErrorAlert error={appoint.error} />}
          {appoint.isSuccess && (
            <Alert color="teal" variant="light" role="status" py="xs">
              {t('staff.appointed', { email: appoint.data.email, role: t(`common.roles.${appoint.data.role}`) })}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={appoint.isPending}>
              {t('staff.appoint')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
