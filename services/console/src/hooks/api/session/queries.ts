import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { SessionAnswer } from './types';

export const sessionKeys = {
  all: ['session'] as const,
};

/**
 * Who is signed in, the sign-up mode and the API base URL. Every other call waits for it:
 * it also hands the client the CSRF token the state-changing calls must send.
 */
export function useSession() {
  const api = useApiClient();
  return useQuery({
    queryKey: sessionKeys.all,
    queryFn: (): Promise<SessionAnswer> => api.session(),
    staleTime: 60_000,
  });
}

/** The session once loaded (the session gate renders nothing below it before that). */
export function useLoadedSession(): SessionAnswer {
  const { data } = useSession();
  if (!data) throw new Error('useLoadedSession is used outside the session gate');
  return data;
}
