import { TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** The e-mail address field of the sign-in, sign-up and reset forms. */
export function EmailField({ value, onChange, invalid }: { value: string; onChange: (value: string) => void; invalid: boolean }) {
  const { t } = useTranslation();
  return (
    <TextInput
      label={t('fields.email')}
      type="email"
      autoComplete="email"
      required
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={invalid ? t('validation.email') : undefined}
    />
  );
}
