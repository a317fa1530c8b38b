import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { searchParams } from '../query-keys';
import type { AdminOrderDetail, AdminOrderList, OrderFilters } from './types';

const PAGE_SIZE = 50;

export const adminOrderKeys = {
  all: ['admin', 'orders'] as const,
  lists: ['admin', 'orders', 'list'] as const,
  list: (filters: OrderFilters) => ['admin', 'orders', 'list', filters.status, filters.provider, filters.userId.trim()] as const,
  detail: (orderNo: string) => ['admin', 'orders', 'detail', orderNo] as const,
};

/**
 * Orders by number, newest first. The API gives no cursor: a full page may have a next one,
 * which starts below the last order number shown.
 */
export function useAdminOrders(filters: OrderFilters) {
  const api = useApiClient();
  return useInfiniteQuery({
    queryKey: adminOrderKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api.get<AdminOrderList>(
        `/api/admin/orders?${searchParams({ status: filters.status, provider: filters.provider, user_id: filters.userId, before: pageParam, limit: PAGE_SIZE })}`,
      ),
    getNextPageParam: (last) => (last.data.length === PAGE_SIZE ? last.data[last.data.length - 1]?.order_no : undefined),
    placeholderData: keepPreviousData,
  });
}

/** The order and the payment provider's events about it, oldest first. */
export function useAdminOrder(orderNo: string) {
  const api = useApiClient();
  return useQuery({
    queryKey: adminOrderKeys.detail(orderNo),
    queryFn: () => api.get<AdminOrderDetail>(`/api/admin/orders/${encodeURIComponent(orderNo)}`),
  });
}
