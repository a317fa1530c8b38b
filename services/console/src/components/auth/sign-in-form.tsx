import { Alert, Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSignIn } from '../../hooks/api/auth/mutations';
import { isApiError } from '../../hooks/api/client';
import { validate } from '../../lib/form-validation';
import { ApiErrorAlert } from '../common/api-error-alert';
import { isAuthCode } from '../common/auth-code-field';
import { CurrentPasswordField } from '../common/password-field';
import { useErrorMessage } from '../common/use-error-message';
import { ResendVerification } from './resend-verification';
import { EmailField } from '../common/email-field';

/** A recovery code as typed: 10 letters and digits, perhaps in two groups. */
const RECOVERY_CODE = /^[0-9a-z]{5}[\s-]?[0-9a-z]{5}$/i;

/**
 * Email and password, then (for accounts with two-factor sign-in, when the gateway answers
 * totp_required) the authenticator code, or one of the recovery codes for a lost phone, sent
 * with them again. On success the session is re-read and the sign-in route itself moves on;
 * an unverified address gets a "resend" button.
 */
export function SignInForm() {
  const { t } = useTranslation();
  const message = useErrorMessage();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [askCode, setAskCode] = useState(false);
  const [recovery, setRecovery] = useState(false);
  const [invalid, setInvalid] = useState(new Set<string>());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const values = askCode ? { email, password, totp_code: code } : { email, password };
    const checked = await validate('signInRequest', values);
    const invalid = checked.invalid ?? new Set<string>();
    if (askCode && !(recovery ? RECOVERY_CODE.test(code.trim()) : isAuthCode(code))) invalid.add('totp_code');
    setInvalid(invalid);
    if (!checked.data || invalid.size > 0) return;
    signIn.mutate(checked.data, {
      onError: (error) => {
        if (isApiError(error, 'totp_required')) setAskCode(true);
        if (isApiError(error, 'invalid_totp')) setCode('');
      },
    });
  };

  const switchCode = () => {
    setRecovery(!recovery);
    setCode('');
    setInvalid(new Set());
    signIn.reset();
  };

  const startOver = () => {
    setAskCode(false);
    setRecovery(false);
    setCode('');
    setPassword('');
    signIn.reset();
  };

  const error = signIn.error;
  // Asked for the code: that is the next step, not a failure.
  const shownError = isApiError(error, 'totp_required') ? null : error;
  const recoveryRefused = recovery && isApiError(error, 'invalid_totp');
  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        {askCode ? (
          <>
            <Text size="sm">{recovery ? t('signIn.recoveryIntro') : t('signIn.totpIntro')}</Text>
            <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
              {email}
            </Text>
            <TextInput
              key={recovery ? 'recovery' : 'totp'}
              label={recovery ? t('fields.recoveryCode') : t('fields.authCode')}
              required
              autoFocus
              inputMode={recovery ? 'text' : 'numeric'}
              autoComplete={recovery ? 'off' : 'one-time-code'}
              autoCapitalize="none"
              spellCheck={false}
              maxLength={recovery ? 13 : 6}
              value={code}
              onChange={(event) => setCode(recovery ? event.currentTarget.value : event.currentTarget.value.replace(/\s/g, ''))}
              error={invalid.has('totp_code') ? t(recovery ? 'validation.recoveryCode' : 'validation.authCode') : undefined}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', letterSpacing: '0.2em' } }}
            />
            <Anchor component="button" type="button" size="sm" onClick={switchCode} style={{ alignSelf: 'flex-start' }}>
              {recovery ? t('signIn.useAuthCode') : t('signIn.useRecoveryCode')}
            </Anchor>
          </>
        ) : (
          <>
            <EmailField value={email} onChange={setEmail} invalid={invalid.has('email')} />
            <CurrentPasswordField label={t('fields.password')} value={password} onChange={setPassword} invalid={invalid.has('password')} />
            <Anchor component={Link} to="/forgot-password" size="sm" style={{ alignSelf: 'flex-end' }}>
              {t('signIn.forgot')}
            </Anchor>
          </>
        )}
        {isApiError(shownError, 'email_not_verified') ? (
          <Alert color="yellow" variant="light" role="alert">
            <Stack gap="sm">
              {message(shownError)}
              <ResendVerification email={email} />
            </Stack>
          </Alert>
        ) : recoveryRefused ? (
          <Alert color="red" variant="light" role="alert">
            {t('signIn.recoveryInvalid')}
          </Alert>
        ) : (
          shownError && <ApiErrorAlert error={shownError} />
        )}
        <Button type="submit" loading={signIn.isPending} fullWidth>
          {t('signIn.submit')}
        </Button>
        {askCode && (
          <Group justify="center">
            <Anchor component="button" type="button" size="sm" onClick={startOver}>
              {t('signIn.otherAccount')}
            </Anchor>
          </Group>
        )}
      </Stack>
    </form>
  );
}
