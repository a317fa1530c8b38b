import { Alert, Badge, Button, Code, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTotpEnable, useTotpSetup } from '../../hooks/api/account/mutations';
import type { Account } from '../../hooks/api/account/types';
import { useAdminStrings } from '../../i18n/admin/admin-strings';
import { ApiErrorAlert } from '../common/api-error-alert';
import { CopyButton } from '../common/copy-button';

/**
 * Two-factor sign-in (TOTP) for staff: a secret for an authenticator app, shown as text and as
 * an otpauth:// link (no QR code library), then a first right code turns it on. Loaded lazily
 * with the staff strings: customers never see it.
 */
export function TwoFactorSection({ account }: { account: Account }) {
  useAdminStrings();
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const setup = useTotpSetup();
  const enable = useTotpEnable();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const mustHave = account.role === 'owner' || account.role === 'admin';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ok = /^\d{6,10}$/.test(code.trim());
    setInvalid(!ok);
    if (ok) enable.mutate(code.trim(), { onError: () => setCode('') });
  };

  return (
    <Paper withBorder p="md" radius="md" id="two-factor" style={{ scrollMarginTop: 72 }}>
      <Stack gap="sm" align="flex-start">
        <Group gap="xs">
          <Title order={2} size="h4">
            {t('account.twoFactor.title')}
          </Title>
          <Badge variant="light" color={account.totp_enabled ? 'teal' : mustHave ? 'yellow' : 'gray'} data-testid="two-factor-state">
            {account.totp_enabled ? t('account.twoFactor.on') : t('account.twoFactor.off')}
          </Badge>
        </Group>
        {account.totp_enabled ? (
          <Text size="sm">{enable.isSuccess ? t('account.twoFactor.done') : t('account.twoFactor.enabled')}</Text>
        ) : (
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
              <Button onClick={() => setup.mutate()} loading={setup.isPending}>
                {t('account.twoFactor.setup')}
              </Button>
            )}
            {setup.isError && <ApiErrorAlert error={setup.error} />}
            {setup.data && (
              <Stack gap="sm" w="100%" maw={640}>
                <Text size="sm">{t('account.twoFactor.step1')}</Text>
                <Secret label={t('account.twoFactor.secret')} value={setup.data.secret} copyLabel={t('account.twoFactor.copySecret')} testId="totp-secret" />
                <Secret label={t('account.twoFactor.url')} value={setup.data.otpauth_url} copyLabel={t('account.twoFactor.copyUrl')} testId="totp-url" />
                <Text size="sm">{t('account.twoFactor.step2')}</Text>
                <form onSubmit={submit} noValidate>
                  <Group align="flex-start" gap="sm">
                    <TextInput
                      label={tMain('fields.authCode')}
                      required
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      maxLength={10}
                      value={code}
                      onChange={(event) => setCode(event.currentTarget.value.replace(/\s/g, ''))}
                      error={invalid ? tMain('validation.authCode') : undefined}
                      w={200}
                    />
                    <Button type="submit" mt={25} loading={enable.isPending}>
                      {t('account.twoFactor.enable')}
                    </Button>
                  </Group>
                </form>
                {enable.isError && <ApiErrorAlert error={enable.error} />}
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Paper>
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
