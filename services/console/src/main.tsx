import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App, createRouter } from './app';
import { ApiProvider } from './hooks/api/api-provider';
import { createI18n } from './i18n';
import { preloadValidation } from './lib/form-validation';
import { theme } from './theme';

// The composition root: i18n, the API client with its query cache, the theme and the routes.
const i18n = createI18n();
const router = createRouter();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme}>
        <ApiProvider>
          <App router={router} />
        </ApiProvider>
      </MantineProvider>
    </I18nextProvider>
  </StrictMode>,
);
preloadValidation();
