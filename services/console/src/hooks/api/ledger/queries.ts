import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useApiClient } from '../api-provider';
import type { LedgerFilters, LedgerPage } from './types';

const PAGE_SIZE = 50;

export const ledgerKeys = {
  all: ['ledger'] as const,
  list: (filters: LedgerFilters) => ['ledger', filters.keyId, filters.model, filters.date, filters.outcome] as const,
};

function filterParams(filters: LedgerFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.keyId) params.set('key_id', filters.keyId);
  if (filters.model.trim()) params.set('model', filters.model.trim());
  if (filters.date) params.set('date', filters.date);
  if (filters.outcome) params.set('outcome', filters.outcome);
  return params;
}

/** Where the CSV of every row matching the filters downloads from (the session cookie authenticates it). */
export function ledgerCsvUrl(filters: LedgerFilters): string {
  const query = filterParams(filters).toString();
  return `/api/console/ledger.csv${query ? `?${query}` : ''}`;
}

/** Newest first, a page at a time: each page hands back the cursor of the next. */
export function useLedger(filters: LedgerFilters) {
  const api = useApiClient();
  return useInfiniteQuery({
    queryKey: ledgerKeys.list(filters),
    initialPageParam: '',
    queryFn: ({ pageParam }) => {
      const params = filterParams(filters);
      params.set('limit', String(PAGE_SIZE));
      if (pageParam) params.set('cursor', pageParam);
      return api.get<LedgerPage>(`/api/console/ledger?${params.toString()}`);
    },
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Changing a filter keeps the old rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}
