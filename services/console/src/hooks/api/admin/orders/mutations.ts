import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { userKeys } from '../users/queries';
import { adminOrderKeys } from './queries';
import type { RefundedOrder } from './types';

/** Marks a fulfilled order refunded and ends the period it bought. */
export function useRefundOrder() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (orderNo: string) => api.post<RefundedOrder>(`/api/admin/orders/${encodeURIComponent(orderNo)}/refund`),
    onSuccess: () => invalidateAfterChange(queryClient, adminOrderKeys.all, userKeys.all),
  });
}
