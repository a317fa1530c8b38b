import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, toLanguage } from '../../i18n';

/**
 * The visible language switch (a native select, so it works the same with a keyboard, a
 * screen reader or a phone). i18next's detector remembers the choice in localStorage.
 */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t('language.label')}
      size="xs"
      w={96}
      value={toLanguage(i18n.resolvedLanguage ?? i18n.language)}
      onChange={(event) => void i18n.changeLanguage(event.currentTarget.value)}
      data={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
    />
  );
}
