import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { AdminPackageList, AdminPackageView } from './types';

export const adminPackageKeys = {
  all: ['admin', 'packages'] as const,
};

/** Every package, on sale or not, by id. */
export function useAdminPackages() {
  const api = useApiClient();
  return useQuery({
    queryKey: adminPackageKeys.all,
    queryFn: () => api.get<AdminPackageList>('/api/admin/packages'),
  });
}

/** A package's name by id (orders and codes only carry the id); undefined until the list is loaded. */
export function usePackageNames(): (id: number) => string | undefined {
  const packages = useAdminPackages();
  const byId = new Map<number, AdminPackageView>((packages.data ?? []).map((p) => [p.id, p]));
  return (id) => byId.get(id)?.name;
}
