import type { i18n as I18n } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { adminEn } from './en';
import { adminZh } from './zh';

export const ADMIN_NS = 'admin';

/**
 * Adds the staff strings (namespace "admin") to the console's i18next instance, once. They
 * travel with the lazily loaded staff chunks, so customers never download them.
 */
export function ensureAdminStrings(i18n: I18n): void {
  if (i18n.hasResourceBundle('en', ADMIN_NS)) return;
  i18n.addResourceBundle('en', ADMIN_NS, adminEn);
  i18n.addResourceBundle('zh', ADMIN_NS, adminZh);
}

/** For a staff component's first render: its strings are there before it reads one. */
export function useAdminStrings(): void {
  const { i18n } = useTranslation();
  useState(() => ensureAdminStrings(i18n));
}
