import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { invalidateAfterChange } from '../query-keys';
import { channelKeys } from './queries';
import type { ChannelChangeRequest, ChannelProbeResult, ChannelView, CreateChannelRequest } from './types';

/** A channel in a path, by its key (`db:12`, or `env:…` for one from the environment). */
const channelPath = (key: string) => `/api/admin/channels/${encodeURIComponent(key)}`;

export function useCreateChannel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateChannelRequest) => api.post<ChannelView>('/api/admin/channels', body),
    onSuccess: () => invalidateAfterChange(queryClient, channelKeys.all),
  });
}

/**
 * Any of its settings; `api_key` replaces the key (null removes it), left out keeps it;
 * `enabled: true` also clears the gateway's disabled reason and the cool-down.
 */
export function useUpdateChannel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, change }: { key: string; change: ChannelChangeRequest }) => api.patch<ChannelView>(channelPath(key), change),
    onSuccess: () => invalidateAfterChange(queryClient, channelKeys.all),
  });
}

export function useDeleteChannel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.delete(channelPath(key)),
    onSuccess: () => invalidateAfterChange(queryClient, channelKeys.all),
  });
}

/** Asks the upstream now (GET /models with the channel's key); the result also counts towards its health. Environment channels too. */
export function useProbeChannel() {
  const api = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.post<ChannelProbeResult>(`${channelPath(key)}/probe`),
    // Not audited: only the list needs refreshing.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: channelKeys.all }),
  });
}
