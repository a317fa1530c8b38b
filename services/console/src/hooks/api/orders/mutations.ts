import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import { orderKeys } from './queries';
import type { OrderStatusAnswer, OrderView, PlaceOrderRequest } from './types';

/** Places an order; the caller sends the browser to its checkout_url. */
export function usePlaceOrder() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PlaceOrderRequest) => api.post<OrderView>('/api/console/orders', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: orderKeys.all }),
  });
}

/**
 * Cancels a pending order with the signature of its return link (no session needed); the
 * answer is the order as it is now (paid a moment before: not cancelled).
 */
export function useCancelOrder(orderNo: string, sig: string) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<OrderStatusAnswer>(`/api/console/order-status/${encodeURIComponent(orderNo)}/cancel`, { sig }),
    onSuccess: (order) => {
      queryClient.setQueryData(orderKeys.status(orderNo), order);
      return queryClient.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}
