import { Alert, Anchor, Button, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/auth/auth-card';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { NewPasswordField } from '../../components/common/password-field';
import { useResetPassword } from '../../hooks/api/auth/mutations';
import { isApiError } from '../../hooks/api/client';
import { validate } from '../../lib/form-validation';

/**
 * The page the password-reset mail links to: /reset-password?token=… With first=1 (the link
 * `create-owner` prints for an account without a password) it sets a first password, and says so.
 */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const first = params.get('first') === '1';
  const title = first ? t('reset.firstTitle') : t('reset.title');
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('resetPasswordRequest', { token, password });
    setInvalid(checked.invalid?.has('password') ?? false);
    // A mangled token is the server's to judge: it answers invalid_or_expired_link.
    if (checked.data || !checked.invalid.has('password')) reset.mutate({ token, password });
  };

  const newLink = (
    <Anchor component={Link} to="/forgot-password" size="sm">
      {t('reset.newLink')}
    </Anchor>
  );

  if (reset.isSuccess) {
    return (
      <AuthCard title={title}>
        <Alert color="teal" variant="light" role="status">
          {first ? t('reset.firstDone') : t('reset.done')}
        </Alert>
        <Button component={Link} to="/sign-in">
          {t('common.goToSignIn')}
        </Button>
      </AuthCard>
    );
  }

  if (!token) {
    return (
      <AuthCard title={title} footer={newLink}>
        <Alert color="red" variant="light" role="alert">
          {t('reset.missingToken')}
        </Alert>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={title} footer={isApiError(reset.error, 'invalid_or_expired_link') ? newLink : undefined}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <NewPasswordField label={first ? t('fields.password') : t('fields.newPassword')} value={password} onChange={setPassword} invalid={invalid} />
          {reset.isError && <ApiErrorAlert error={reset.error} />}
          <Button type="submit" loading={reset.isPending} fullWidth>
            {first ? t('reset.firstSubmit') : t('reset.submit')}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
