import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { toLanguage } from '../../../i18n';
import { useSetNoticePreferences } from './mutations';
import type { Account } from './types';

/**
 * The gateway's mails (receipts, warnings, reminders) follow the language the person uses
 * in the console: when it differs from the account's, the account's is changed, once per
 * switch.
 */
export function useMailLanguageFollowsConsole(user: Account | null) {
  const { i18n } = useTranslation();
  const { mutate } = useSetNoticePreferences();
  const language = toLanguage(i18n.resolvedLanguage ?? i18n.language);
  const userId = user?.id;
  const stored = user?.locale;
  const sent = useRef<string | null>(null);

  useEffect(() => {
    if (userId === undefined || stored === language || sent.current === `${userId}:${language}`) return;
    sent.current = `${userId}:${language}`;
    mutate({ locale: language });
  }, [userId, stored, language, mutate]);
}
