import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useState } from 'react';
import { type ApiClient, createApiClient, isApiError } from './client';
import { sessionKeys } from './session/queries';

const ApiClientContext = createContext<ApiClient | null>(null);

/** The API client of this page; hooks get it here so a test can hand them another one. */
export function useApiClient(): ApiClient {
  const client = useContext(ApiClientContext);
  if (!client) throw new Error('useApiClient needs an <ApiProvider> above it');
  return client;
}

/** Errors worth another try: the network or the server, never a refusal the next try would repeat. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

function createQueryClient(): QueryClient {
  // A 401 anywhere means the session ended (expired, or signed out in another tab): re-reading
  // the session makes the signed-in routes send the person to the sign-in page.
  const onError = (error: unknown) => {
    if (isApiError(error, 'not_signed_in')) void queryClient.invalidateQueries({ queryKey: sessionKeys.all });
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 30_000, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  return queryClient;
}

/** TanStack Query and the API client, wired so a session read by the client updates the cache. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const [{ queryClient, apiClient }] = useState(() => {
    const queryClient = createQueryClient();
    const apiClient = createApiClient({ onSessionRead: (session) => queryClient.setQueryData(sessionKeys.all, session) });
    return { queryClient, apiClient };
  });
  return (
    <QueryClientProvider client={queryClient}>
      <ApiClientContext.Provider value={apiClient}>{children}</ApiClientContext.Provider>
    </QueryClientProvider>
  );
}
