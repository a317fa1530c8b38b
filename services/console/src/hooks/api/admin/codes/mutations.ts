import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { codeKeys } from './queries';
import type { CreateCodesRequest, CreatedCodes, VoidCodesRequest, VoidedCodes } from './types';

export function useCreateCodes() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCodesRequest) => api.post<CreatedCodes>('/api/admin/redemption-codes', body),
    onSuccess: () => invalidateAfterChange(queryClient, codeKeys.all),
  });
}

/** Voids the unused codes of a batch (or the listed codes); redeemed ones stay as they are. */
export function useVoidCodes() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: VoidCodesRequest) => api.post<VoidedCodes>('/api/admin/redemption-codes/void', body),
    onSuccess: () => invalidateAfterChange(queryClient, codeKeys.all),
  });
}
