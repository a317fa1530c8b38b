// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { UsageRequestView } from '../../hooks/api/admin/usage/types';
import type { LedgerEntry } from '../../hooks/api/ledger/types';
import { renderInApp } from '../../test/render';
import { RequestsTable } from '../admin/usage/requests-table';
import { LedgerTable } from './ledger-table';

const served: LedgerEntry = {
  request_id: 'req_served',
  created_at: '2026-12-07T16:00:00Z',
  api_key_id: 7,
  key_name: 'laptop',
  model: 'gpt-4o-mini',
  stream: true,
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  cached_tokens: 200,
  reasoning_tokens: 0,
  cost: 0.000125,
  status_code: 200,
  latency_ms: 1234,
  refusal: null,
  unit: 'tokens',
  units: 1500,
};
const refused: LedgerEntry = {
  ...served,
  request_id: 'req_refused',
  key_name: null,
  model: '',
  stream: false,
  status_code: 429,
  refusal: 'insufficient_quota',
};
const failed: LedgerEntry = { ...served, request_id: 'req_failed', status_code: 502 };

const headers = () => screen.getAllByRole('columnheader').map((th) => th.textContent);
/** The colour Mantine gives a badge, read from the variables it sets on it. */
const badgeColour = (row: HTMLElement) => within(row).getByTestId('request-status').firstElementChild?.getAttribute('style') ?? '';

describe('the customer ledger', () => {
  it('shows the customer’s columns and one row per request, in the viewer’s time', () => {
    renderInApp(<LedgerTable entries={[served, refused]} hasMore={false} loadingMore={false} onLoadMore={vi.fn()} />);
    expect(headers()).toEqual(['Time', 'Status', 'Model', 'Tokens', 'Cost', 'Latency', 'Request ID']);
    const [row] = screen.getAllByTestId('ledger-row');
    expect(row).toHaveProperty('textContent', expect.stringContaining('gpt-4o-mini · stream'));
    expect(row?.textContent).toContain('laptop');
    expect(row?.textContent).toContain('$0.000125');
    expect(row?.textContent).toContain('1,234 ms');
    expect(row?.textContent).toContain('Dec 8, 2026');
  });

  it('shows a request billed by the image, the second or the character in its unit', () => {
    const images: LedgerEntry = {
      ...served,
      request_id: 'req_images',
      model: 'dall-e-3',
      unit: 'images',
      units: 3,
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    };
    const speech: LedgerEntry = { ...served, request_id: 'req_speech', model: 'tts-1', unit: 'characters', units: 1, total_tokens: 0 };
    renderInApp(<LedgerTable entries={[images, speech]} hasMore={false} loadingMore={false} onLoadMore={vi.fn()} />);
    const units = screen.getAllByTestId('request-units').map((cell) => cell.textContent);
    expect(units).toEqual(['3 images', '1 character']);
  });

  it('says why a request was refused, and names a deleted key as such', () => {
    renderInApp(<LedgerTable entries={[refused]} hasMore={false} loadingMore={false} onLoadMore={vi.fn()} />);
    const row = screen.getByTestId('ledger-row');
    expect(within(row).getByTestId('request-status').dataset.refusal).toBe('insufficient_quota');
    expect(row.textContent).toContain('deleted key');
    expect(row.textContent).toContain('—');
  });

  it('colours statuses by class: served teal, refused orange, failed red', () => {
    renderInApp(<LedgerTable entries={[served, refused, failed]} hasMore={false} loadingMore={false} onLoadMore={vi.fn()} />);
    const rows = screen.getAllByTestId('ledger-row');
    expect(rows.map(badgeColour).map((style) => /teal|orange|red/.exec(style)?.[0])).toEqual(['teal', 'orange', 'red']);
  });

  it('offers more rows only while the API has more', () => {
    const { unmount } = renderInApp(<LedgerTable entries={[served]} hasMore loadingMore={false} onLoadMore={vi.fn()} />);
    expect(screen.getByRole('button', { name: 'Load more' })).toBeTruthy();
    unmount();
    renderInApp(<LedgerTable entries={[served]} hasMore={false} loadingMore={false} onLoadMore={vi.fn()} />);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });
});

describe('the operator’s request search', () => {
  const row: UsageRequestView = { ...served, user_id: 42, api_key_id: 7, channel: 'primary' } as UsageRequestView;

  it('adds the user (linked) and the channel to the same columns, with the same colours', () => {
    renderInApp(<RequestsTable rows={[row, { ...row, request_id: 'r2', status_code: 429, refusal: 'rate_limit_exceeded' }]} />);
    expect(headers()).toEqual(['Time', 'Status', 'User', 'Model', 'Tokens', 'Cost', 'Latency', 'Request ID']);
    const [first, second] = screen.getAllByTestId('usage-request-row');
    expect(
      within(first as HTMLElement)
        .getByRole('link', { name: '42' })
        .getAttribute('href'),
    ).toBe('/admin/users/42');
    expect(first?.textContent).toContain('primary');
    expect(first?.textContent).toContain('Key 7');
    expect(badgeColour(second as HTMLElement)).toContain('orange');
  });

  it('says so when nothing matches', () => {
    renderInApp(<RequestsTable rows={[]} />);
    expect(screen.getByText('No requests match these filters.')).toBeTruthy();
  });
});
