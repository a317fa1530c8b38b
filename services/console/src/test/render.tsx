import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import i18next from 'i18next';
import type { ReactNode } from 'react';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { ApiProvider } from '../hooks/api/api-provider';
import { ensureAdminStrings } from '../i18n/admin/admin-strings';
import { en } from '../i18n/en';
import { zh } from '../i18n/zh';
import { theme } from '../theme';

/** The console's strings in one language, as the app sets them up (staff strings included). */
export function testI18n(language: 'en' | 'zh' = 'en') {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: en }, zh: { translation: zh } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    react: { useSuspense: false },
    initAsync: false,
  });
  ensureAdminStrings(instance);
  return instance;
}

/** Renders UI inside what the app gives it: strings, theme, the API client and a router. */
export function renderInApp(ui: ReactNode, language: 'en' | 'zh' = 'en') {
  return render(
    <I18nextProvider i18n={testI18n(language)}>
      <MantineProvider theme={theme}>
        <ApiProvider>
          <MemoryRouter>{ui}</MemoryRouter>
        </ApiProvider>
      </MantineProvider>
    </I18nextProvider>,
  );
}
