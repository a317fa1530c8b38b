import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { CatalogAnswer, MyPackagesAnswer, PackageView, PaymentProviderView } from './types';

export const packageKeys = {
  mine: ['packages', 'mine'] as const,
  catalog: ['packages', 'catalog'] as const,
};

/** The period in effect today, the queued ones and the past ones. */
export function useMyPackages() {
  const api = useApiClient();
  return useQuery({
    queryKey: packageKeys.mine,
    queryFn: () => api.get<MyPackagesAnswer>('/api/console/packages'),
  });
}

export function useCatalog() {
  const api = useApiClient();
  return useQuery({
    queryKey: packageKeys.catalog,
    queryFn: () => api.get<CatalogAnswer>('/api/console/catalog'),
    // Read again on every visit: the day a package bought now starts moves with each purchase.
    staleTime: 0,
  });
}

/** A provider can take a package's payment when it takes any currency or that one. */
export function providersFor(pkg: PackageView, providers: PaymentProviderView[]): PaymentProviderView[] {
  return providers.filter((provider) => provider.currencies === null || provider.currencies.includes(pkg.currency));
}
