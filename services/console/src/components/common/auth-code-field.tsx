import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Six digits from an authenticator app, however the person spaced them. */
export function isAuthCode(code: string): boolean {
  return /^\d{6}$/.test(code.trim());
}

interface AuthCodeFieldProps {
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  w?: number;
}

/** The code of an authenticator app: a phone gets the number pad, spaces typed or pasted drop out. */
export function AuthCodeField({ value, onChange, invalid, w }: AuthCodeFieldProps) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('fields.authCode')}
      required
      inputMode="numeric"
      autoComplete="one-time-code"
      maxLength={6}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value.replace(/\s/g, ''))}
      error={invalid ? t('validation.authCode') : undefined}
      w={w}
    />
  );
}
