import { useTranslation } from 'react-i18next';

/** A payment provider's name for people ("stripe" → "Card (Stripe)"); unknown ones as they are. */
export function useProviderName(): (provider: string) => string {
  const { t, i18n } = useTranslation();
  return (provider) => (i18n.exists(`providers.${provider}`) ? t(`providers.${provider as 'stripe' | 'epay'}`) : provider);
}
