import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { sessionKeys } from '../../session/queries';
import { invalidateAfterChange } from '../query-keys';
import { userKeys } from '../users/queries';
import { staffKeys } from './queries';
import type { AppointStaffRequest, ChangedStaffView, StaffRole, StaffView } from './types';

export function useAppointStaff() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AppointStaffRequest) => api.post<StaffView>('/api/admin/staff', body),
    onSuccess: () => invalidateAfterChange(queryClient, staffKeys.all, userKeys.lists),
  });
}

/** Another role, or null to take the role away. Changing one's own role changes what the console shows. */
export function useChangeStaffRole() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, role }: { id: number; role: StaffRole | null }) => api.patch<ChangedStaffView>(`/api/admin/staff/${id}`, { role }),
    onSuccess: () => invalidateAfterChange(queryClient, staffKeys.all, sessionKeys.all),
  });
}
