import i18next, { type i18n as I18n } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import type { AdminTranslation } from './admin/en';
import type { ApiReferenceTranslation } from './api-reference/en';
import { en, type Translation } from './en';
import { zh } from './zh';

export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the person's choice is remembered between visits. */
const STORAGE_KEY = 'codex-gateway.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    // "admin": the Operations pages' strings, added with their chunk (admin/admin-strings.ts);
    // "apiReference": the API reference page's, likewise (api-reference/api-reference-strings.ts).
    resources: { translation: Translation; admin: AdminTranslation; apiReference: ApiReferenceTranslation };
  }
}

/** The console language for any i18next code: "zh-CN", "zh-Hans-TW" → zh; anything else → en. */
export function toLanguage(code: string | undefined): Language {
  return code?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** The BCP 47 tag for <html lang>: screen readers pick their voice from it. */
const htmlLang = (language: Language) => (language === 'zh' ? 'zh-CN' : 'en');

/**
 * A ready i18next instance: the remembered choice first, then the browser's languages.
 * Both languages are bundled (a few kB each), so the first paint never waits for a fetch.
 */
export function createI18n(): I18n {
  const instance = i18next.createInstance();
  instance.on('languageChanged', (code) => {
    document.documentElement.lang = htmlLang(toLanguage(code));
  });
  void instance
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources: { en: { translation: en }, zh: { translation: zh } },
      supportedLngs: [...LANGUAGES],
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: STORAGE_KEY,
        caches: ['localStorage'],
        convertDetectedLanguage: (code: string) => toLanguage(code),
      },
      react: { useSuspense: false },
    });
  return instance;
}
