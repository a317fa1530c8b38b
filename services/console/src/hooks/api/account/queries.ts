import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { Account, NoticePreferences, TotpStatus } from './types';

export const accountKeys = {
  me: ['account', 'me'] as const,
  totp: ['account', 'totp'] as const,
  notifications: ['account', 'notifications'] as const,
};

export function useMe() {
  const api = useApiClient();
  return useQuery({
    queryKey: accountKeys.me,
    queryFn: () => api.get<Account>('/api/console/me'),
  });
}

/** Whether two-factor sign-in is on, and how many recovery codes are left. */
export function useTotpStatus() {
  const api = useApiClient();
  return useQuery({
    queryKey: accountKeys.totp,
    queryFn: () => api.get<TotpStatus>('/api/console/me/totp'),
  });
}

/** Which mails the person gets: receipts, limit warnings, package-ending reminders. */
export function useNoticePreferences() {
  const api = useApiClient();
  return useQuery({
    queryKey: accountKeys.notifications,
    queryFn: () => api.get<NoticePreferences>('/api/console/me/notifications'),
  });
}
