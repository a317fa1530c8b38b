// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderInApp } from '../../test/render';
import { type PagedQuery, PagedList } from './paged-list';
import { RowActions } from './row-actions';
import { TableHead } from './table-head';
import { Table } from '@mantine/core';

const query = (over: Partial<PagedQuery<string>>): PagedQuery<string> => ({
  isError: false,
  error: null,
  isPending: false,
  hasNextPage: false,
  isFetchingNextPage: false,
  refetch: vi.fn(),
  fetchNextPage: vi.fn(),
  ...over,
});

const list = (q: PagedQuery<string>) => (
  <PagedList query={q}>
    {(rows) => (
      <ul>
        {rows.map((row) => (
          <li key={row}>{row}</li>
        ))}
      </ul>
    )}
  </PagedList>
);

describe('a paged list', () => {
  it('shows a spinner until the first page is in', () => {
    renderInApp(list(query({ isPending: true })));
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    expect(screen.queryByRole('list')).toBeNull();
  });

  it('shows the rows of every page so far, and Load more fetches the next', async () => {
    const fetchNextPage = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(list(query({ data: { pages: [{ data: ['a', 'b'] }, { data: ['c'] }] }, hasNextPage: true, fetchNextPage })));
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['a', 'b', 'c']);
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(fetchNextPage).toHaveBeenCalledOnce();
  });

  it('has no Load more after the last page', () => {
    renderInApp(list(query({ data: { pages: [{ data: ['a'] }] } })));
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('says why the list failed and retries on request', async () => {
    const refetch = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(list(query({ isError: true, error: new Error('down'), refetch })));
    expect(screen.getByRole('alert')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(refetch).toHaveBeenCalledOnce();
  });
});

describe('table headings and row actions', () => {
  it('leaves out the columns given as false and right-aligns figures', () => {
    renderInApp(
      <Table>
        <TableHead columns={['Name', { label: 'Price', numeric: true }, false, 'Status']} />
      </Table>,
    );
    const headers = screen.getAllByRole('columnheader');
    expect(headers.map((th) => th.textContent)).toEqual(['Name', 'Price', 'Status']);
    expect(headers[1]?.getAttribute('style') ?? '').toContain('text-align: right');
  });

  it('draws only the allowed actions, each doing its own thing', async () => {
    const edit = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(<RowActions actions={[{ label: 'Edit', onClick: edit, ariaLabel: 'Edit gpt-4o' }, false]} />);
    expect(screen.getAllByRole('button').map((button) => button.textContent)).toEqual(['Edit']);
    await user.click(screen.getByRole('button', { name: 'Edit gpt-4o' }));
    expect(edit).toHaveBeenCalledOnce();
  });
});
