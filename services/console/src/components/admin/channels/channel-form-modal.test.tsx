// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeGateway } from '../../../test/fake-gateway';
import { renderInApp } from '../../../test/render';
import { ChannelFormModal } from './channel-form-modal';

afterEach(() => vi.unstubAllGlobals());

const field = (name: RegExp) => screen.getByRole('textbox', { name });

describe('the channel dialog', () => {
  it('refuses an address with credentials, and ranges outside the schema’s, naming its bounds', async () => {
    const sent = fakeGateway();
    const user = userEvent.setup({ delay: null });
    renderInApp(<ChannelFormModal editing="new" knownModels={[]} onClose={vi.fn()} />);
    await user.type(field(/^name/i), 'primary');
    await user.type(field(/^base url/i), 'https://me:secret@api.example.com/v1');
    await user.clear(field(/^priority/i));
    await user.type(field(/^priority/i), '5000');
    await user.clear(field(/^weight/i));
    await user.type(field(/^weight/i), '0');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter an http:// or https:// address.')).toBeTruthy();
    expect(screen.getByText('Enter a whole number from -1,000 to 1,000.')).toBeTruthy();
    expect(screen.getByText('Enter a whole number from 1 to 1,000.')).toBeTruthy();
    expect(sent).toEqual([]);
  });

  it('asks for both names of a mapping row, and sends a valid channel without a trailing slash', async () => {
    const sent = fakeGateway();
    const onClose = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(<ChannelFormModal editing="new" knownModels={[]} onClose={onClose} />);
    await user.type(field(/^name/i), 'primary');
    await user.type(field(/^base url/i), 'https://api.example.com/v1/');
    await user.click(screen.getByRole('button', { name: /add a mapping/i }));
    await user.type(field(/^model asked for 1/i), 'gpt-4o');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Fill in both names of every row, or remove the row.')).toBeTruthy();
    expect(sent).toEqual([]);
    await user.type(field(/^name sent upstream 1/i), 'gpt-4o-2024-08-06');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sent).toMatchObject([
      {
        method: 'POST',
        path: '/api/admin/channels',
        body: { name: 'primary', base_url: 'https://api.example.com/v1', model_map: { 'gpt-4o': 'gpt-4o-2024-08-06' } },
      },
    ]);
  });
});
