import { Alert, NativeSelect } from '@mantine/core';
import { useState } from 'react';
import { STAFF_ROLES } from '@codex-gateway/backend/staff-roles';
import { useTranslation } from 'react-i18next';
import { useAppointStaff } from '../../../hooks/api/admin/staff/mutations';
import type { StaffRole } from '../../../hooks/api/admin/staff/types';
import { validate } from '../../../lib/form-validation';
import { FormCard } from '../../common/form-card';
import { EmailField } from '../../common/email-field';

/** Gives an address a role; an address without an account gets one and a mail to choose its password. */
export function AppointStaffForm() {
  const { t } = useTranslation('admin');
  const appoint = useAppointStaff();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('support');
  const [invalid, setInvalid] = useState(false);

  const submit = async () => {
    const checked = await validate('appointStaffRequest', { email, role });
    setInvalid(checked.data === null);
    if (checked.data) appoint.mutate(checked.data, { onSuccess: () => setEmail('') });
  };

  return (
    <FormCard
      title={t('staff.appointTitle')}
      submitLabel={t('staff.appoint')}
      pending={appoint.isPending}
      error={appoint.error}
      onSubmit={() => void submit()}
      hint={t('staff.appointHint')}
      after={
        appoint.isSuccess && (
          <Alert color="teal" variant="light" role="status" py="xs">
            {t('staff.appointed', { email: appoint.data.email, role: t(`common.roles.${appoint.data.role}`) })}
          </Alert>
        )
      }
    >
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
    </FormCard>
  );
}
