import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { DailyUsageAnswer, DayRange, ModelUsageAnswer, TodayUsage } from './types';

export const usageKeys = {
  today: ['usage', 'today'] as const,
  daily: (range: DayRange) => ['usage', 'daily', range.from, range.to] as const,
  models: (range: DayRange) => ['usage', 'models', range.from, range.to] as const,
};

const rangeQuery = (range: DayRange) => new URLSearchParams({ from: range.from, to: range.to }).toString();

/** Today's counts against the limits; refreshed every minute while the page is open. */
export function useTodayUsage() {
  const api = useApiClient();
  return useQuery({
    queryKey: usageKeys.today,
    queryFn: () => api.get<TodayUsage>('/api/console/usage/today'),
    refetchInterval: 60_000,
  });
}

/** One row per day; waits for a range (the business day comes from today's usage). */
export function useDailyUsage(range: DayRange | null) {
  const api = useApiClient();
  return useQuery({
    queryKey: usageKeys.daily(range ?? { from: '', to: '' }),
    queryFn: () => api.get<DailyUsageAnswer>(`/api/console/usage/daily?${rangeQuery(range!)}`),
    enabled: range !== null,
    placeholderData: keepPreviousData,
  });
}

export function useModelUsage(range: DayRange | null) {
  const api = useApiClient();
  return useQuery({
    queryKey: usageKeys.models(range ?? { from: '', to: '' }),
    queryFn: () => api.get<ModelUsageAnswer>(`/api/console/usage/models?${rangeQuery(range!)}`),
    enabled: range !== null,
    placeholderData: keepPreviousData,
  });
}
