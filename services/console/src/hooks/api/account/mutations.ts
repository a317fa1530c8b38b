import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import { adminRoot } from '../admin/query-keys';
import { sessionKeys } from '../session/queries';
import { accountKeys } from './queries';
import type { NoticePreferences, RecoveryCodesAnswer, TotpSetupAnswer } from './types';

export function useChangePassword() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) => api.post<void>('/api/console/me/password', body),
  });
}

/** A new authenticator secret (replacing one not yet enabled), given the password; not in force until enabled. */
export function useTotpSetup() {
  const api = useApiClient();
  return useMutation({
    mutationFn: (password: string) => api.post<TotpSetupAnswer>('/api/console/me/totp/setup', { password }),
  });
}

/** Turns two-factor sign-in on with a first right code; answers the recovery codes, shown this once. This session then counts as checked. */
export function useTotpEnable() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api.post<RecoveryCodesAnswer>('/api/console/me/totp/enable', { code }),
    onSuccess: async () => {
      // Admin answers refused with mfa_required before now would answer now.
      queryClient.removeQueries({ queryKey: adminRoot });
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionKeys.all }),
        queryClient.invalidateQueries({ queryKey: accountKeys.me }),
        queryClient.invalidateQueries({ queryKey: accountKeys.totp }),
      ]);
    },
  });
}

/** New recovery codes for the password and a current code; the old ones stop working. */
export function useRegenerateRecoveryCodes() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { password: string; code: string }) => api.post<RecoveryCodesAnswer>('/api/console/me/totp/recovery-codes', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: accountKeys.totp }),
  });
}

/** Turns one or more of the customer mails on or off; the answer is the preferences as they now are. */
export function useSetNoticePreferences() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: Partial<NoticePreferences>) => api.patch<NoticePreferences>('/api/console/me/notifications', change),
    onSuccess: (prefs) => queryClient.setQueryData(accountKeys.notifications, prefs),
  });
}
