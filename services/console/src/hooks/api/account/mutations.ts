import { useMutation } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';

export function useChangePassword() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => api.post<void>('/api/console/me/password', body),
  });
}
