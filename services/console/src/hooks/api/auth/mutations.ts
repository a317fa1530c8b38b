import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import { sessionKeys } from '../session/queries';
import type { Account, SignInAnswer, SignInRequest, SignUpAnswer, SignUpRequest } from './types';

export function useSignUp() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (body: SignUpRequest) => api.post<SignUpAnswer>('/api/console/auth/sign-up', body),
  });
}

export function useVerifyEmail() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => api.post<{ user: Account }>('/api/console/auth/verify-email', { token }),
    // A signed-in person who verifies sees the flag change without reloading.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
  });
}

export function useResendVerification() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (email: string) => api.post<Record<string, never>>('/api/console/auth/resend-verification', { email }),
  });
}

export function useSignIn() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SignInRequest) => api.post<SignInAnswer>('/api/console/auth/sign-in', body),
    onSuccess: async (answer) => {
      api.setCsrfToken(answer.csrf_token);
      // Whatever was cached belonged to the previous visitor (or nobody): start clean.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] });
      await queryClient.invalidateQueries({ queryKey: sessionKeys.all });
    },
  });
}

export function useSignOut() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (everywhere: boolean) => api.post<void>('/api/console/auth/sign-out', { everywhere }),
    onSettled: async () => {
      api.setCsrfToken(null);
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] });
      await queryClient.invalidateQueries({ queryKey: sessionKeys.all });
    },
  });
}

export function useForgotPassword() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (email: string) => api.post<Record<string, never>>('/api/console/auth/forgot-password', { email }),
  });
}

export function useResetPassword() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (body: { token: string; password: string }) => api.post<Record<string, never>>('/api/console/auth/reset-password', body),
  });
}
