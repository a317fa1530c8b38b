import { useTranslation } from 'react-i18next';
import { isApiError } from '../../hooks/api/client';
import { en } from '../../i18n/en';

type KnownCode = keyof typeof en.errors;

const isKnownCode = (code: string | null): code is KnownCode => code !== null && Object.hasOwn(en.errors, code);

/**
 * The words to show for a failed call: our translation when the code is known, else the
 * gateway's own message (English, but specific), else a generic line.
 */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation();
  return (error: unknown) => {
    if (!isApiError(error)) return t('errors.unknown');
    if (error.code === 'too_many_sign_in_attempts' && error.retryAfter !== null) {
      return t('errors.too_many_sign_in_attempts_wait', { seconds: error.retryAfter });
    }
    if (isKnownCode(error.code)) return t(`errors.${error.code}`);
    if (error.status === 404) return t('errors.not_found');
    return error.message || t('errors.unknown');
  };
}
