import type { i18n as I18n } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiReferenceEn } from './en';
import { apiReferenceZh } from './zh';

export const API_REFERENCE_NS = 'apiReference';

/** Adds the page's strings (namespace "apiReference") to the console's i18next instance, once. */
function ensureApiReferenceStrings(i18n: I18n): void {
  if (i18n.hasResourceBundle('en', API_REFERENCE_NS)) return;
  i18n.addResourceBundle('en', API_REFERENCE_NS, apiReferenceEn);
  i18n.addResourceBundle('zh', API_REFERENCE_NS, apiReferenceZh);
}

/** For the page's first render: its strings are there before it reads one. */
export function useApiReferenceStrings(): void {
  const { i18n } = useTranslation();
  useState(() => ensureApiReferenceStrings(i18n));
}
