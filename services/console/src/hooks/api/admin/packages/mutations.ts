import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { userKeys } from '../users/queries';
import { adminPackageKeys } from './queries';
import type { AdminPackageView, CreatePackageRequest, GrantedPeriod, PackageChangeRequest } from './types';

export function useCreatePackage() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePackageRequest) => api.post<AdminPackageView>('/api/admin/packages', body),
    onSuccess: () => invalidateAfterChange(queryClient, adminPackageKeys.all),
  });
}

/** Edits what is sold from now on (periods already sold keep their terms), or puts it on/off sale. */
export function useUpdatePackage() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: number; change: PackageChangeRequest }) => api.patch<AdminPackageView>(`/api/admin/packages/${id}`, change),
    onSuccess: () => invalidateAfterChange(queryClient, adminPackageKeys.all),
  });
}

export function useRetirePackage() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<AdminPackageView>(`/api/admin/packages/${id}/retire`),
    onSuccess: () => invalidateAfterChange(queryClient, adminPackageKeys.all),
  });
}

/** A period of the package for the user, queued after any current one. */
export function useGrantPackage(userId: number) {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (packageId: number) => api.post<GrantedPeriod>(`/api/admin/users/${userId}/packages`, { package_id: packageId }),
    onSuccess: () => invalidateAfterChange(queryClient, userKeys.detail(userId)),
  });
}
