import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { Account } from './types';

export const accountKeys = {
  me: ['account', 'me'] as const,
};

export function useMe() {
  const api = useApiClient();
  return useQuery({
    queryKey: accountKeys.me,
    queryFn: () => api.get<Account>('/api/console/me'),
  });
}
