// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeGateway } from '../../../test/fake-gateway';
import { renderInApp } from '../../../test/render';
import { PackageFormModal } from './package-form-modal';

afterEach(() => vi.unstubAllGlobals());

const field = (name: RegExp) => screen.getByRole('textbox', { name });

describe('the package dialog', () => {
  it('words the schema’s bounds when the terms fall outside them', async () => {
    const sent = fakeGateway([]);
    const user = userEvent.setup({ delay: null });
    renderInApp(<PackageFormModal editing="new" onClose={vi.fn()} />);
    await user.type(field(/^price/i), '9.99');
    await user.clear(field(/^duration/i));
    await user.type(field(/^duration/i), '5000');
    await user.type(field(/^requests per minute/i), '0');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter a name of 1 to 200 characters.')).toBeTruthy();
    expect(screen.getByText('Enter a number of days from 1 to 3,660.')).toBeTruthy();
    expect(screen.getByText('Enter a whole number of 1 or more, or leave it empty.')).toBeTruthy();
    expect(sent.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('sends the price in minor units and empty limits as none', async () => {
    const sent = fakeGateway([]);
    const onClose = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(<PackageFormModal editing="new" onClose={onClose} />);
    await user.type(field(/^name/i), ' Starter ');
    await user.type(field(/^price/i), '9.99');
    await user.type(field(/^requests per day/i), '500');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sent.filter((request) => request.method === 'POST')).toMatchObject([
      {
        path: '/api/admin/packages',
        body: { name: 'Starter', price_cents: 999, currency: 'USD', daily_request_limit: 500, daily_token_limit: null, rpm_limit: null, duration_days: 30 },
      },
    ]);
  });
});
