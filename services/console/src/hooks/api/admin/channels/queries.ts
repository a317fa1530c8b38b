import { useQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import type { ChannelList } from './types';

export const channelKeys = {
  all: ['admin', 'channels'] as const,
};

/** Every channel with its health; refreshed every 5 s while the page is open (cool-downs last seconds). */
export function useChannels() {
  const api = useApiClient();
  return useQuery({
    queryKey: channelKeys.all,
    queryFn: () => api.get<ChannelList>('/api/admin/channels'),
    refetchInterval: 5_000,
  });
}
