import { Button, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignUp } from '../../hooks/api/auth/mutations';
import { toLanguage } from '../../i18n';
import { validate } from '../../lib/form-validation';
import { ApiErrorAlert } from '../common/api-error-alert';
import { NewPasswordField } from '../common/password-field';
import { EmailField } from '../common/email-field';

interface SignUpFormProps {
  /** Invite-only sign-up asks for the code. */
  inviteRequired: boolean;
  onSignedUp: (email: string) => void;
}

export function SignUpForm({ inviteRequired, onSignedUp }: SignUpFormProps) {
  const { t, i18n } = useTranslation();
  const signUp = useSignUp();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [inviteCode, setInviteCode] = useState('');
  const [invalid, setInvalid] = useState(new Set<string>());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The mails (verification, password reset) follow the language the person signed up in.
    const values = { email, password, invite_code: inviteRequired ? inviteCode : undefined, locale: toLanguage(i18n.resolvedLanguage) };
    const checked = await validate('signUpRequest', values);
    const invalid = checked.invalid ?? new Set<string>();
    if (inviteRequired && inviteCode.trim() === '') invalid.add('invite_code');
    setInvalid(invalid);
    const body = checked.data;
    if (body && invalid.size === 0) signUp.mutate(body, { onSuccess: () => onSignedUp(body.email) });
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <Stack gap="md">
        <EmailField value={email} onChange={setEmail} invalid={invalid.has('email')} />
        <NewPasswordField label={t('fields.password')} value={password} onChange={setPassword} invalid={invalid.has('password')} />
        {inviteRequired && (
          <TextInput
            label={t('fields.inviteCode')}
            description={t('signUp.inviteHint')}
            autoComplete="off"
            required
            value={inviteCode}
            onChange={(event) => setInviteCode(event.currentTarget.value)}
            error={invalid.has('invite_code') ? t('validation.inviteCode') : undefined}
          />
        )}
        {signUp.isError && <ApiErrorAlert error={signUp.error} />}
        <Button type="submit" loading={signUp.isPending} fullWidth>
          {t('signUp.submit')}
        </Button>
      </Stack>
    </form>
  );
}
