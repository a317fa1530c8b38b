import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { OpenApiDocument } from './types';

/** Served by the backends beside the APIs it describes (nginx passes it on; so does Vite's dev server). */
export const OPENAPI_PATH = '/openapi.json';

export const apiReferenceKeys = {
  description: ['api-reference', 'openapi'] as const,
};

/** The gateway's OpenAPI description; it only changes with a release, so it is read once a visit. */
export function useApiDescription() {
  const api = useApiClient();
  return useQuery({
    queryKey: apiReferenceKeys.description,
    queryFn: () => api.get<OpenApiDocument>(OPENAPI_PATH),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
