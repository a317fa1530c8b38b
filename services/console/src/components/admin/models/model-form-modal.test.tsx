// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeGateway } from '../../../test/fake-gateway';
import { renderInApp } from '../../../test/render';
import { ModelFormModal } from './model-form-modal';

afterEach(() => vi.unstubAllGlobals());

const field = (name: RegExp) => screen.getByRole('textbox', { name });

describe('the model dialog', () => {
  it('refuses what the gateway’s schema refuses, in words carrying its bounds, and sends nothing', async () => {
    const sent = fakeGateway();
    const user = userEvent.setup({ delay: null });
    renderInApp(<ModelFormModal editing="new" onClose={vi.fn()} />);
    await user.type(field(/^model name/i), 'gpt 4o');
    await user.type(field(/^input price/i), '1');
    await user.type(field(/^output price/i), '2');
    await user.type(field(/^max output tokens/i), '2000000');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('A whole number from 1 to 1,000,000, or empty.')).toBeTruthy();
    expect(screen.getByText(/^Letters, digits and \. _ : \/ \+ -/)).toBeTruthy();
    expect(sent).toEqual([]);
  });

  it('sends a valid entry as the gateway takes it', async () => {
    const sent = fakeGateway();
    const onClose = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(<ModelFormModal editing="new" onClose={onClose} />);
    await user.type(field(/^model name/i), ' gpt-4o* ');
    await user.type(field(/^input price/i), '2.5');
    await user.type(field(/^output price/i), '10');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(sent).toEqual([
      {
        method: 'POST',
        path: '/api/admin/models',
        body: {
          name: 'gpt-4o*',
          input_price: 2.5,
          cached_input_price: null,
          cache_write_price: null,
          output_price: 10,
          image_prices: {},
          audio_second_price: null,
          character_price: null,
          max_output_tokens: null,
          enabled: true,
          notes: '',
        },
      },
    ]);
  });

  it('takes image prices a line each, and refuses a line the gateway would', async () => {
    const sent = fakeGateway();
    const onClose = vi.fn();
    const user = userEvent.setup({ delay: null });
    renderInApp(<ModelFormModal editing="new" onClose={onClose} />);
    await user.type(field(/^model name/i), 'dall-e-3');
    await user.type(field(/^input price/i), '0');
    await user.type(field(/^output price/i), '0');
    await user.type(field(/^image prices/i), 'huge/hd = 1');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText(/^Each line: a size such as 1024x1024/)).toBeTruthy();
    expect(sent).toEqual([]);
    await user.clear(field(/^image prices/i));
    await user.type(field(/^image prices/i), '1024x1024/standard = 0.04{enter}1024x1024/hd = 0.08{enter}');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect((sent[0]!.body as { image_prices: unknown }).image_prices).toEqual({ '1024x1024/standard': 0.04, '1024x1024/hd': 0.08 });
  });
});
