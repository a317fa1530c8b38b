import { Alert, Anchor, Button, Stack } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSignIn } from '../../hooks/api/auth/mutations';
import { isApiError } from '../../hooks/api/client';
import { validate } from '../../lib/form-validation';
import { ApiErrorAlert } from '../common/api-error-alert';
import { PasswordField } from '../common/password-field';
import { useErrorMessage } from '../common/use-error-message';
import { ResendVerification } from './resend-verification';
import { EmailField } from '../common/email-field';

/**
 * Email and password. On success the session is re-read and the sign-in route itself moves
 * on (to where the person was going); an unverified address gets a "resend" button.
 */
export function SignInForm() {
  const { t } = useTranslation();
  const message = useErrorMessage();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState(new Set<string>());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('signInRequest', { email, password });
    setInvalid(checked.invalid ?? new Set());
    if (checked.data) signIn.mutate(checked.data);
  };

  const error = signIn.error;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        <EmailField value={email} onChange={setEmail} invalid={invalid.has('email')} />
        <PasswordField
          label={t('fields.password')}
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
          error={invalid.has('password') ? t('validation.required') : undefined}
        />
        <Anchor component={Link} to="/forgot-password" size="sm" style={{ alignSelf: 'flex-end' }}>
          {t('signIn.forgot')}
        </Anchor>
        {isApiError(error, 'email_not_verified') ? (
          <Alert color="yellow" variant="light" role="alert">
            <Stack gap="sm">
              {message(error)}
              <ResendVerification email={email} />
            </Stack>
          </Alert>
        ) : (
          error && <ApiErrorAlert error={error} />
        )}
        <Button type="submit" loading={signIn.isPending} fullWidth>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}
