import { Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';
import { ApiErrorAlert } from './api-error-alert';
import { FormActions } from './form-modal';

interface FormCardProps {
  title: string;
  /** The submit button's name: what it does ("Create key", "Appoint"). */
  submitLabel: string;
  pending: boolean;
  /** The gateway's refusal of the last submit. */
  error: unknown;
  onSubmit: () => void;
  /** A line under the fields saying what happens next. */
  hint?: string;
  /** What follows a success (a confirmation), above the button. */
  after?: ReactNode;
  children: ReactNode;
}

/** The frame of a form on a page: a titled card, the fields in a row, the refusal, then the action. */
export function FormCard({ title, submitLabel, pending, error, onSubmit, hint, after, children }: FormCardProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {title}
          </Title>
          <Group align="flex-start" gap="sm" wrap="wrap">
            {children}
          </Group>
          {hint && (
            <Text size="xs" c="dimmed">
              {hint}
            </Text>
          )}
          {error ? <ApiErrorAlert error={error} /> : null}
          {after}
          <FormActions pending={pending} submitLabel={submitLabel} />
        </Stack>
      </form>
    </Paper>
  );
}
