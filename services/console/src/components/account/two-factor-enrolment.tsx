import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTotpEnable, useTotpSetup } from '../../hooks/api/account/mutations';
import { isApiError } from '../../hooks/api/client';
import { ApiErrorAlert } from '../common/api-error-alert';
import { CopyButton } from '../common/copy-button';
import { AuthCodeField, isAuthCode } from '../common/auth-code-field';
import { CurrentPasswordField } from '../common/password-field';
import { TotpQrCode } from './totp-qr-code';

/**
 * Turning two-factor sign-in on: the password (a session alone cannot add a phone), then the
 * secret as a QR code and as text, then a first right code, which answers the recovery codes.
 */
export function TwoFactorEnrolment({ mustHave, onEnabled }: { mustHave: boolean; onEnabled: (recoveryCodes: string[]) => void }) {
  const { t } = useTranslation('admin');
  const setup = useTotpSetup();
  const enable = useTotpEnable();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState<'password' | 'code' | null>(null);

  const start = (event: FormEvent) => {
    event.preventDefault();
    setInvalid(password ? null : 'password');
    if (password) setup.mutate(password, { onSuccess: () => setPassword('') });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ok = isAuthCode(code);
    setInvalid(ok ? null : 'code');
    if (!ok) return;
    // Not mutate's own onSuccess: turning the factor on re-reads the account, which unmounts
    // this form before such a callback would run, and the codes would never be shown.
    enable.mutateAsync(code.trim()).then(
      (answer) => onEnabled(answer.recovery_codes),
      (error: unknown) => {
        setCode('');
        // Another window set up or turned on another secret: this one is void, start again.
        if (isApiError(error, 'totp_changed')) setup.reset();
      },
    );
  };

  return (
    <>
      <Text size="sm" c="dimmed" maw={720}>
        {t('account.twoFactor.intro')}
      </Text>
      {mustHave && (
        <Alert color="yellow" variant="light" py="xs">
          {t('account.twoFactor.required')}
        </Alert>
      )}
      {!setup.data && (
        <form onSubmit={start} noValidate>
          <Group align="flex-start" gap="sm">
            <CurrentPasswordField
              label={t('account.twoFactor.password')}
              description={t('account.twoFactor.passwordHint')}
              value={password}
              onChange={setPassword}
              invalid={invalid === 'password'}
              w={280}
            />
            <Button type="submit" mt={46} loading={setup.isPending}>
              {t('account.twoFactor.setup')}
            </Button>
          </Group>
        </form>
      )}
      {setup.isError && <ApiErrorAlert error={setup.error} />}
      {setup.data && (
        <Stack gap="sm" w="100%" maw={640}>
          <Text size="sm">{t('account.twoFactor.step1')}</Text>
          <Group align="flex-start" gap="lg">
            <TotpQrCode url={setup.data.otpauth_url} label={t('account.twoFactor.qr')} />
            <Stack gap="sm" style={{ flex: 1, minWidth: 240 }}>
              <Secret label={t('account.twoFactor.secret')} value={setup.data.secret} copyLabel={t('account.twoFactor.copySecret')} testId="totp-secret" />
              <Secret label={t('account.twoFactor.url')} value={setup.data.otpauth_url} copyLabel={t('account.twoFactor.copyUrl')} testId="totp-url" />
            </Stack>
          </Group>
          <Text size="sm">{t('account.twoFactor.step2')}</Text>
          <form onSubmit={submit} noValidate>
            <Group align="flex-start" gap="sm">
              <AuthCodeField value={code} onChange={setCode} invalid={invalid === 'code'} w={200} />
              <Button type="submit" mt={25} loading={enable.isPending}>
                {t('account.twoFactor.enable')}
              </Button>
            </Group>
          </form>
        </Stack>
      )}
      {enable.isError && <ApiErrorAlert error={enable.error} />}
    </>
  );
}

function Secret({ label, value, copyLabel, testId }: { label: string; value: string; copyLabel: string; testId: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block data-testid={testId} style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', flex: 1 }}>
          {value}
        </Code>
        <CopyButton value={value} label={copyLabel} />
      </Group>
    </Stack>
  );
}
