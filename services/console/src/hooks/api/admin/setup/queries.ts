import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { SetupChecklist } from './types';

export const setupKeys = {
  all: ['admin', 'setup-checklist'] as const,
};

/** What the operator must still set up; read again whenever the overview is shown. */
export function useSetupChecklist() {
  const api = useApiClient();
  return useQuery({
    queryKey: setupKeys.all,
    queryFn: () => api.get<SetupChecklist>('/api/admin/setup-checklist'),
    refetchInterval: 30_000,
  });
}
