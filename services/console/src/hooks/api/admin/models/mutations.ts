import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { modelKeys } from './queries';
import type { CreateModelRequest, ModelChangeRequest, ModelView } from './types';

/** A model's name in a path: names may hold '/', ':' and '*'. */
const modelPath = (name: string) => `/api/admin/models/${encodeURIComponent(name)}`;

export function useCreateModel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateModelRequest) => api.post<ModelView>('/api/admin/models', body),
    onSuccess: () => invalidateAfterChange(queryClient, modelKeys.all),
  });
}

/** New prices apply to requests served from now on. */
export function useUpdateModel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ name, change }: { name: string; change: ModelChangeRequest }) => api.patch<ModelView>(modelPath(name), change),
    onSuccess: () => invalidateAfterChange(queryClient, modelKeys.all),
  });
}

export function useDeleteModel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.delete(modelPath(name)),
    onSuccess: () => invalidateAfterChange(queryClient, modelKeys.all),
  });
}
