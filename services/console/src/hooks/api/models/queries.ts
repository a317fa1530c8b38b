import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { ConsoleModelsAnswer } from './types';

export const modelKeys = {
  mine: ['models', 'mine'] as const,
};

/** The models my package may use today (what /v1/models lists for my keys). */
export function useMyModels() {
  const api = useApiClient();
  return useQuery({
    queryKey: modelKeys.mine,
    queryFn: () => api.get<ConsoleModelsAnswer>('/api/console/models'),
  });
}
