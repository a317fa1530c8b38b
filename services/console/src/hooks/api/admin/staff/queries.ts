import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { StaffList } from './types';

export const staffKeys = {
  all: ['admin', 'staff'] as const,
};

/** Owners, admins and support (owners only may read it). */
export function useStaff() {
  const api = useApiClient();
  return useQuery({
    queryKey: staffKeys.all,
    queryFn: async () => (await api.get<StaffList>('/api/admin/staff')).data,
  });
}
