import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { searchParams } from '../query-keys';
import type { CodeFilters, CodePage } from './types';

const PAGE_SIZE = 100;

export const codeKeys = {
  all: ['admin', 'codes'] as const,
  list: (filters: CodeFilters) => ['admin', 'codes', 'list', filters.batch.trim(), filters.status] as const,
};

const filterParams = (filters: CodeFilters) => searchParams({ batch: filters.batch, status: filters.status });

/** Where the CSV of every code matching the filters downloads from (the session cookie authenticates it). */
export function codesCsvUrl(filters: CodeFilters): string {
  const query = filterParams(filters).toString();
  return `/api/admin/redemption-codes.csv${query ? `?${query}` : ''}`;
}

/** Codes newest first, with who redeemed each. */
export function useCodes(filters: CodeFilters) {
  const api = useApiClient();
  return useInfiniteQuery({
    queryKey: codeKeys.list(filters),
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) => {
      const params = filterParams(filters);
      params.set('limit', String(PAGE_SIZE));
      if (pageParam !== null) params.set('before', String(pageParam));
      return api.get<CodePage>(`/api/admin/redemption-codes?${params}`);
    },
    getNextPageParam: (last) => last.next_before ?? undefined,
    placeholderData: keepPreviousData,
  });
}
