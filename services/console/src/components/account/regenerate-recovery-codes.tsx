import { Button, Group, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRegenerateRecoveryCodes } from '../../hooks/api/account/mutations';
import { ApiErrorAlert } from '../common/api-error-alert';
import { AuthCodeField, isAuthCode } from '../common/auth-code-field';
import { CurrentPasswordField } from '../common/password-field';

/** New recovery codes (the old ones stop working), for the password and a current code of the app. */
export function RegenerateRecoveryCodes({ onCodes }: { onCodes: (recoveryCodes: string[]) => void }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const regenerate = useRegenerateRecoveryCodes();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(new Set<string>());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wrong = new Set<string>();
    if (!password) wrong.add('password');
    if (!isAuthCode(code)) wrong.add('code');
    setInvalid(wrong);
    if (wrong.size > 0) return;
    regenerate.mutate(
      { password, code },
      {
        onSuccess: (answer) => {
          setOpen(false);
          setPassword('');
          setCode('');
          onCodes(answer.recovery_codes);
        },
        onError: () => setCode(''),
      },
    );
  };

  if (!open) {
    return (
      <Button variant="light" onClick={() => setOpen(true)}>
        {t('account.recoveryCodes.regenerate')}
      </Button>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm" maw={560}>
        <Text size="sm">{t('account.recoveryCodes.regenerateIntro')}</Text>
        <Group align="flex-start" gap="sm">
          <CurrentPasswordField label={t('account.twoFactor.password')} value={password} onChange={setPassword} invalid={invalid.has('password')} w={240} />
          <AuthCodeField value={code} onChange={setCode} invalid={invalid.has('code')} w={180} />
        </Group>
        {regenerate.isError && <ApiErrorAlert error={regenerate.error} />}
        <Group gap="sm">
          <Button type="submit" loading={regenerate.isPending}>
            {t('account.recoveryCodes.regenerateSubmit')}
          </Button>
          <Button variant="subtle" onClick={() => setOpen(false)}>
            {tMain('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
