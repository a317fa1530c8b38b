import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useApiClient } from '../../api-provider';
import { auditRoot, searchParams } from '../query-keys';
import type { AuditFilters, AuditPage } from './types';

const PAGE_SIZE = 50;

export const auditKeys = {
  all: auditRoot,
  list: (f: AuditFilters) => [...auditRoot, f.actor.trim(), f.action.trim(), f.targetType.trim(), f.targetId.trim()] as const,
};

/** The audit log newest first, a page at a time (keyset on the entry id). */
export function useAuditLog(filters: AuditFilters) {
  const api = useApiClient();
  return useInfiniteQuery({
    queryKey: auditKeys.list(filters),
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      api.get<AuditPage>(
        `/api/admin/audit-log?${searchParams({
          actor: filters.actor,
          action: filters.action,
          target_type: filters.targetType,
          target_id: filters.targetId,
          before: pageParam,
          limit: PAGE_SIZE,
        })}`,
      ),
    getNextPageParam: (last) => last.next_before ?? undefined,
    placeholderData: keepPreviousData,
  });
}
