import { Alert, Button, Group, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useChangePassword } from '../../hooks/api/account/mutations';
import { validate } from '../../lib/form-validation';
import { ApiErrorAlert } from '../common/api-error-alert';
import { CurrentPasswordField, NewPasswordField } from '../common/password-field';

export function ChangePasswordForm() {
  const { t } = useTranslation();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [invalid, setInvalid] = useState(new Set<string>());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('changePasswordRequest', { current_password: current, new_password: next });
    setInvalid(checked.invalid ?? new Set());
    if (!checked.data) return;
    change.mutate(checked.data, {
      onSuccess: () => {
        setCurrent('');
        setNext('');
      },
    });
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md" maw={420}>
        <CurrentPasswordField label={t('fields.currentPassword')} value={current} onChange={setCurrent} invalid={invalid.has('current_password')} />
        <NewPasswordField label={t('fields.newPassword')} value={next} onChange={setNext} invalid={invalid.has('new_password')} />
        {change.isError && <ApiErrorAlert error={change.error} />}
        {change.isSuccess && (
          <Alert color="teal" variant="light" role="status">
            {t('account.passwordChanged')}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={change.isPending}>
            {t('account.changePasswordSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
