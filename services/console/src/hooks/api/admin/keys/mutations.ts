import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { userKeys } from '../users/queries';
import type { IssuedApiKey, IssueKeyRequest } from './types';

/** A key for a user, issued by staff: the answer carries the plain key, shown once. */
export function useIssueUserKey(userId: number) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: IssueKeyRequest) => api.post<IssuedApiKey>(`/api/admin/users/${userId}/api-keys`, body),
    onSuccess: () => invalidateAfterChange(queryClient, userKeys.detail(userId)),
  });
}

export function useRevokeUserKey(userId: number) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: number) => api.delete(`/api/admin/api-keys/${keyId}`),
    onSuccess: () => invalidateAfterChange(queryClient, userKeys.detail(userId)),
  });
}
