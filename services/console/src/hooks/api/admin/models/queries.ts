import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { ModelList } from './types';

export const modelKeys = {
  all: ['admin', 'models'] as const,
};

/** The model catalogue, by name. */
export function useModels() {
  const api = useApiClient();
  return useQuery({
    queryKey: modelKeys.all,
    queryFn: () => api.get<ModelList>('/api/admin/models'),
  });
}
