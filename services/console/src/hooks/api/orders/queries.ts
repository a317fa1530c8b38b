import { useQuery } from '@tanstack/react-query';
import { isApiError } from '../client';
import { useApiClient } from '../api-provider';
import type { OrderList, OrderStatusAnswer, OrderView } from './types';

export const orderKeys = {
  all: ['orders'] as const,
  one: (orderNo: string) => ['orders', orderNo] as const,
  status: (orderNo: string) => ['order-status', orderNo] as const,
};

/** Statuses after which an order never changes again (as far as the buyer waits for it). */
export const FINAL_ORDER_STATUSES: ReadonlyArray<OrderView['status']> = ['fulfilled', 'expired', 'failed', 'refunded', 'cancelled'];

export function useOrders() {
  const api = useApiClient();
  return useQuery({
    queryKey: orderKeys.all,
    queryFn: async () => (await api.get<OrderList>('/api/console/orders')).data,
  });
}

export function useOrder(orderNo: string) {
  const api = useApiClient();
  return useQuery({
    queryKey: orderKeys.one(orderNo),
    queryFn: () => api.get<OrderView>(`/api/console/orders/${encodeURIComponent(orderNo)}`),
  });
}

const POLL_MS = 1500;

/**
 * The return page's view of an order, readable without a session (the signature is the
 * permission). Polls until the order reaches a final status, a refusal (4xx), or `polling`
 * turns false (the page stopped waiting).
 */
export function useOrderStatus(orderNo: string, sig: string, polling = true) {
  const api = useApiClient();
  return useQuery({
    queryKey: orderKeys.status(orderNo),
    queryFn: () => api.get<OrderStatusAnswer>(`/api/console/order-status/${encodeURIComponent(orderNo)}?${new URLSearchParams({ sig }).toString()}`),
    retry: (count, error) => !(isApiError(error) && error.status >= 400 && error.status < 500) && count < 3,
    refetchInterval: (query) => {
      const { data, error } = query.state;
      if (!polling) return false;
      if (data && FINAL_ORDER_STATUSES.includes(data.status)) return false;
      if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
      return POLL_MS;
    },
    staleTime: 0,
  });
}
