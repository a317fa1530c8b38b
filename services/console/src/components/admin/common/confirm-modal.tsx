import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../common/api-error-alert';

interface ConfirmModalProps {
  opened: boolean;
  title: string;
  body: ReactNode;
  /** The confirming button's name: the action itself ("Refund"), never "OK". */
  confirmLabel: string;
  color?: string;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}

/** A change that is hard to undo is asked twice; a refusal shows in the dialog. */
export function ConfirmModal({ opened, title, body, confirmLabel, color = 'red', pending, error, onConfirm, onClose }: ConfirmModalProps) {
  const { t } = useTranslation();
  // While the dialog fades out, it keeps the words it had open (the target is often cleared by then).
  const shown = useRef({ title, body, confirmLabel });
  if (opened) shown.current = { title, body, confirmLabel };
  return (
    <Modal opened={opened} onClose={onClose} title={shown.current.title} closeButtonProps={{ 'aria-label': t('common.close') }} centered>
      <Stack gap="md">
        <Text size="sm">{shown.current.body}</Text>
        {error ? <ApiErrorAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color={color} loading={pending} onClick={onConfirm}>
            {shown.current.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

interface ConfirmedMutation<Variables> {
  mutate: (variables: Variables, options: { onSuccess: () => void }) => void;
  reset: () => void;
  isPending: boolean;
  error: unknown;
}

/**
 * An action on one item that is asked twice: `ask(item)` opens the dialog with the last
 * refusal cleared; confirming runs the mutation and closes the dialog once it succeeded, so a
 * refusal stays in sight. `dialog` holds the ConfirmModal's props but its words.
 */
export function useConfirmedAction<Item, Variables>(mutation: ConfirmedMutation<Variables>, variables: (item: Item) => Variables) {
  const [target, setTarget] = useState<Item | null>(null);
  return {
    target,
    ask: (item: Item) => {
      mutation.reset();
      setTarget(item);
    },
    dialog: {
      opened: target !== null,
      pending: mutation.isPending,
      error: mutation.error,
      onConfirm: () => {
        if (target !== null) mutation.mutate(variables(target), { onSuccess: () => setTarget(null) });
      },
      onClose: () => setTarget(null),
    },
  };
}
