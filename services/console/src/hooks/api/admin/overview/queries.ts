import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { AdminOverview } from './types';

export const overviewKeys = {
  all: ['admin', 'overview'] as const,
};

/** Today, the last 30 days and the cluster's state; refreshed every 30 s while the page is open. */
export function useAdminOverview() {
  const api = useApiClient();
  return useQuery({
    queryKey: overviewKeys.all,
    queryFn: () => api.get<AdminOverview>('/api/admin/overview'),
    refetchInterval: 30_000,
  });
}
