import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import { orderKeys } from './queries';
import type { OrderView, PlaceOrderRequest } from './types';

/** Places an order; the caller sends the browser to its checkout_url. */
export function usePlaceOrder() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PlaceOrderRequest) => api.post<OrderView>('/api/console/orders', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: orderKeys.all }),
  });
}
