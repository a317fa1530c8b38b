// @vitest-environment jsdom
import { Button } from '@mantine/core';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../../../test/render';
import { ConfirmModal, useConfirmedAction } from './confirm-modal';

/** A mutation that refuses the first time and succeeds the second, as a stand-in for the gateway's answer. */
function useFlakyMutation(sent: number[]) {
  const [error, setError] = useState<unknown>(null);
  return {
    isPending: false,
    error,
    reset: () => setError(null),
    mutate: (id: number, options: { onSuccess: () => void }) => {
      sent.push(id);
      if (sent.length === 1) setError(new Error('refused'));
      else options.onSuccess();
    },
  };
}

function Revoke({ sent }: { sent: number[] }) {
  const mutation = useFlakyMutation(sent);
  const confirm = useConfirmedAction(mutation, (key: { id: number; name: string }) => key.id);
  return (
    <>
      <Button onClick={() => confirm.ask({ id: 7, name: 'laptop' })}>Revoke laptop</Button>
      <ConfirmModal {...confirm.dialog} title="Revoke key" body={`Revoke ${confirm.target?.name}?`} confirmLabel="Revoke" />
    </>
  );
}

describe('an action asked twice', () => {
  it('runs for the item asked about, keeps a refusal in the dialog, and closes once it succeeded', async () => {
    const sent: number[] = [];
    const user = userEvent.setup({ delay: null });
    renderInApp(<Revoke sent={sent} />);
    await user.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    expect(await screen.findByText('Revoke laptop?')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByRole('dialog')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(sent).toEqual([7, 7]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('opens without the refusal of the last attempt', async () => {
    const sent: number[] = [];
    const user = userEvent.setup({ delay: null });
    renderInApp(<Revoke sent={sent} />);
    await user.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    await user.click(await screen.findByRole('button', { name: 'Revoke' }));
    expect(await screen.findByRole('alert')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await user.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    expect(await screen.findByRole('dialog')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
