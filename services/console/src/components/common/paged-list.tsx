import type { ReactNode } from 'react';
import { ApiErrorAlert } from './api-error-alert';
import { LoadMore } from './load-more';
import { PageLoader } from './page-loader';

/** What the list needs of a TanStack infinite query over the API's keyset pages. */
export interface PagedQuery<Row> {
  data?: { pages: Array<{ data: Row[] }> };
  isError: boolean;
  error: unknown;
  isPending: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  refetch: () => unknown;
  fetchNextPage: () => unknown;
}

/** A keyset-paged list: its refusal (with a retry), a spinner for the first page, then the rows so far and "Load more". */
export function PagedList<Row>({ query, children }: { query: PagedQuery<Row>; children: (rows: Row[]) => ReactNode }) {
  return (
    <>
      {query.isError && <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />}
      {query.isPending && <PageLoader />}
      {query.data && (
        <>
          {children(query.data.pages.flatMap((page) => page.data))}
          <LoadMore hasMore={query.hasNextPage} loading={query.isFetchingNextPage} onLoadMore={() => void query.fetchNextPage()} />
        </>
      )}
    </>
  );
}
