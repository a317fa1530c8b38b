import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * Mantine's PasswordInput names its eye button "Toggle password visibility", which a lookup
 * by the label "Password" would also find; this name leaves the field's label unambiguous.
 */
export function PasswordField(props: PasswordInputProps) {
  const { t } = useTranslation();
  return <PasswordInput {...props} visibilityToggleButtonProps={{ 'aria-label': t('common.toggleVisibility') }} />;
}

interface PasswordEntryProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
  description?: string;
  w?: number;
}

/** A password the person already has: the browser offers the saved one, and only its absence is refused here. */
export function CurrentPasswordField({ onChange, invalid, ...props }: PasswordEntryProps) {
  const { t } = useTranslation();
  return (
    <PasswordField
      {...props}
      autoComplete="current-password"
      required
      onChange={(event) => onChange(event.currentTarget.value)}
      error={invalid ? t('validation.required') : undefined}
    />
  );
}

/** A password being chosen: the browser may suggest one, and the hint and the refusal name the length rule. */
export function NewPasswordField({ onChange, invalid, ...props }: Omit<PasswordEntryProps, 'description'>) {
  const { t } = useTranslation();
  return (
    <PasswordField
      {...props}
      description={t('signUp.passwordHint')}
      autoComplete="new-password"
      required
      onChange={(event) => onChange(event.currentTarget.value)}
      error={invalid ? t('validation.passwordLength') : undefined}
    />
  );
}
