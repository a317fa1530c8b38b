export type { CatalogAnswer, MyPackagesAnswer, PackageView, PaymentProviderView, PeriodView } from '@codex-gateway/backend/console-api';
