import type { QueryClient, QueryKey } from '@tanstack/react-query';

/** Every admin query key starts here: signing in or out drops them with the rest of the cache. */
export const adminRoot = ['admin'] as const;
export const auditRoot = ['admin', 'audit'] as const;

/**
 * After a change: refresh what it touched, and the audit log, which gained a row in the same
 * transaction as the change.
 */
export function invalidateAfterChange(queryClient: QueryClient, ...keys: QueryKey[]): Promise<void> {
  return Promise.all([...keys, auditRoot].map((queryKey) => queryClient.invalidateQueries({ queryKey }))).then(() => undefined);
}

/** A query string from the filters that are set (empty strings and nulls left out). */
export function searchParams(values: Record<string, string | number | null | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    const text = String(value).trim();
    if (text !== '') params.set(name, text);
  }
  return params;
}
