import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import { keyKeys } from './queries';
import type { ApiKeyView, CreatedApiKey, CreateKeyRequest } from './types';

export function useCreateApiKey() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateKeyRequest) => api.post<CreatedApiKey>('/api/console/keys', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keyKeys.all }),
  });
}

export function useRenameApiKey() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) => api.patch<ApiKeyView>(`/api/console/keys/${id}`, { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keyKeys.all }),
  });
}

export function useRevokeApiKey() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.delete(`/api/console/keys/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keyKeys.all }),
  });
}
