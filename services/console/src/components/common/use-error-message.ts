import { useTranslation } from 'react-i18next';
import { isApiError } from '../../hooks/api/client';
import type { AdminTranslation } from '../../i18n/admin/en';
import { en } from '../../i18n/en';

type KnownCode = keyof typeof en.errors;
type AdminCode = keyof AdminTranslation['errors'];

const isKnownCode = (code: string | null): code is KnownCode => code !== null && Object.hasOwn(en.errors, code);

/**
 * The words to show for a failed call: our translation when the code is known (the Operations
 * pages' own codes first, once their strings are loaded), else the gateway's own message
 * (English, but specific), else a generic line.
 */
export function useErrorMessage(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  const { t: tAdmin } = useTranslation('admin');
  const isAdminCode = (code: string | null): code is AdminCode => code !== null && i18n.exists(`admin:errors.${code}`);
  return (error: unknown) => {
    if (!isApiError(error)) return t('errors.unknown');
    if (isAdminCode(error.code)) return tAdmin(`errors.${error.code}`);
    if (error.code === 'too_many_sign_in_attempts' && error.retryAfter !== null) {
      return t('errors.too_many_sign_in_attempts_wait', { seconds: error.retryAfter });
    }
    if (isKnownCode(error.code)) return t(`errors.${error.code}`);
    if (error.status === 404) return t('errors.not_found');
    return error.message || t('errors.unknown');
  };
}
