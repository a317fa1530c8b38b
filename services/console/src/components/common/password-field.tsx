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
