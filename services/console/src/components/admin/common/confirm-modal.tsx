import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { type ReactNode, useRef } from 'react';
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
