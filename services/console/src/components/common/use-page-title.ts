import { useDocumentTitle } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';

/** "API keys · Codex Gateway" in the tab and the history list, in the current language. */
export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  useDocumentTitle(`${title} · ${t('app.name')}`);
}
