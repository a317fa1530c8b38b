import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { userKeys } from './queries';
import type { CreateUserRequest, UserView } from './types';

export function useCreateUser() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserRequest) => api.post<UserView>('/api/admin/users', body),
    onSuccess: () => invalidateAfterChange(queryClient, userKeys.lists),
  });
}

/** Suspends (keys refused, sessions ended) or resumes a user. */
export function useSetUserStatus() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: 'suspend' | 'resume' }) => api.post<UserView>(`/api/admin/users/${id}/${action}`),
    onSuccess: (user) => invalidateAfterChange(queryClient, userKeys.detail(user.id), userKeys.lists),
  });
}

export function useSendPasswordReset() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<Record<string, never>>(`/api/admin/users/${id}/password-reset`),
    onSuccess: () => invalidateAfterChange(queryClient),
  });
}
