import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { DayRange } from '../../usage/types';
import { searchParams } from '../query-keys';
import type { UsageRequestFilters, UsageRequestPage, UsageSummaryView } from './types';

const PAGE_SIZE = 50;

export const adminUsageKeys = {
  all: ['admin', 'usage'] as const,
  summary: (range: DayRange) => ['admin', 'usage', 'summary', range.from, range.to] as const,
  requests: (f: UsageRequestFilters) =>
    ['admin', 'usage', 'requests', f.userId.trim(), f.keyId.trim(), f.model.trim(), f.statusClass, f.outcome, f.from, f.to] as const,
};

/** The cluster's days and its top users and models for a range of business days. */
export function useUsageSummary(range: DayRange | null) {
  const api = useApiClient();
  return useQuery({
    queryKey: adminUsageKeys.summary(range ?? { from: '', to: '' }),
    queryFn: () => api.get<UsageSummaryView>(`/api/admin/usage/summary?${searchParams({ from: range?.from, to: range?.to, top: 10 })}`),
    enabled: range !== null,
    placeholderData: keepPreviousData,
  });
}

/** Relayed requests newest first; each page hands back the cursor of the next. */
export function useUsageRequests(filters: UsageRequestFilters, enabled = true) {
  const api = useApiClient();
  return useInfiniteQuery({
    queryKey: adminUsageKeys.requests(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api.get<UsageRequestPage>(
        `/api/admin/usage/requests?${searchParams({
          user_id: filters.userId,
          key_id: filters.keyId,
          model: filters.model,
          status_class: filters.statusClass,
          outcome: filters.outcome,
          from: filters.from,
          to: filters.to,
          limit: PAGE_SIZE,
          cursor: pageParam,
        })}`,
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
    placeholderData: keepPreviousData,
  });
}
