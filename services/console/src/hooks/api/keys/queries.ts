import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { ApiKeyView } from './types';

export const keyKeys = {
  all: ['keys'] as const,
};

/** The person's API keys, revoked ones included (the ledger still names them). */
export function useApiKeys() {
  const api = useApiClient();
  return useQuery({
    queryKey: keyKeys.all,
    queryFn: async () => (await api.get<{ data: ApiKeyView[] }>('/api/console/keys')).data,
  });
}
