import { Button, Group, Modal, type ModalProps, Stack } from '@mantine/core';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from './api-error-alert';

interface FormModalProps {
  opened: boolean;
  title: string;
  /** The submit button's name: what it does ("Save", "Rename"). */
  submitLabel: string;
  pending: boolean;
  /** The gateway's refusal of the last submit, shown above the buttons. */
  error: unknown;
  onSubmit: () => void;
  onClose: () => void;
  size?: ModalProps['size'];
  children: ReactNode;
}

/** The frame of every form in a dialog: title, fields, the refusal, then Cancel and the action. */
export function FormModal({ opened, title, submitLabel, pending, error, onSubmit, onClose, size, children }: FormModalProps) {
  const { t } = useTranslation();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('common.close') }} size={size} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {children}
          {error ? <ApiErrorAlert error={error} /> : null}
          <FormActions pending={pending} submitLabel={submitLabel} onCancel={onClose} />
        </Stack>
      </form>
    </Modal>
  );
}

/** A form's action, after Cancel when the form can be left without acting (a dialog). */
export function FormActions({ pending, submitLabel, onCancel }: { pending: boolean; submitLabel: string; onCancel?: () => void }) {
  const { t } = useTranslation();
  return (
    <Group justify={onCancel ? 'flex-end' : undefined} mt={onCancel ? 'xs' : undefined}>
      {onCancel && (
        <Button variant="default" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      )}
      <Button type="submit" loading={pending}>
        {submitLabel}
      </Button>
    </Group>
  );
}

interface Mutation {
  reset: () => void;
  error: unknown;
  isPending: boolean;
}

/**
 * The state of a dialog that adds an item or edits one (`editing`: the item, 'new', or null
 * when closed): each opening starts from the item's values, or blank ones, with no leftover
 * marks or refusal.
 */
export function useEditorState<Item, Values, Field extends string>(
  editing: Item | 'new' | null,
  blank: () => Values,
  valuesOf: (item: Item) => Values,
  create: Mutation,
  update: Mutation,
) {
  const [values, setValues] = useState<Values>(blank);
  const [invalid, setInvalid] = useState(new Set<Field>());
  const resetCreate = create.reset;
  const resetUpdate = update.reset;

  useEffect(() => {
    if (editing === null) return;
    setValues(editing === 'new' ? blank() : valuesOf(editing as Item));
    setInvalid(new Set());
    resetCreate();
    resetUpdate();
  }, [editing, blank, valuesOf, resetCreate, resetUpdate]);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));
  return {
    values,
    setValues,
    set,
    invalid,
    setInvalid,
    existing: editing !== null && editing !== 'new' ? (editing as Item) : null,
    error: create.error ?? update.error,
    pending: create.isPending || update.isPending,
  };
}
