import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { searchParams } from '../query-keys';
import type { UserDetail, UserFilters, UserPage } from './types';

const PAGE_SIZE = 50;

export const userKeys = {
  all: ['admin', 'users'] as const,
  lists: ['admin', 'users', 'list'] as const,
  list: (filters: UserFilters) => ['admin', 'users', 'list', filters.q.trim(), filters.status] as const,
  detail: (id: number) => ['admin', 'users', 'detail', id] as const,
};

/** Users newest first, a page at a time (keyset: ids below the last one shown). */
export function useUsers(filters: UserFilters) {
  const api = useApiClient();
  return useInfiniteQuery({
    queryKey: userKeys.list(filters),
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      api.get<UserPage>(`/api/admin/users?${searchParams({ q: filters.q, status: filters.status, before: pageParam, limit: PAGE_SIZE })}`),
    getNextPageParam: (last) => last.next_before ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** One user with their packages, keys, today's usage and latest orders. */
export function useUserDetail(id: number) {
  const api = useApiClient();
  return useQuery({
    queryKey: userKeys.detail(id),
    queryFn: () => api.get<UserDetail>(`/api/admin/users/${id}`),
  });
}
