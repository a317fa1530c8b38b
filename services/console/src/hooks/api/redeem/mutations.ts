import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import { packageKeys } from '../packages/queries';
import { usageKeys } from '../usage/queries';
import type { RedeemAnswer } from './types';

export function useRedeemCode() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api.post<RedeemAnswer>('/api/console/redeem', { code }),
    // The new period may start today: the plan and today's limits change with it.
    onSuccess: async () => {
      await Promise.all([queryClient.invalidateQueries({ queryKey: packageKeys.mine }), queryClient.invalidateQueries({ queryKey: usageKeys.today })]);
    },
  });
}
