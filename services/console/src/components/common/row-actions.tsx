import { Button, Group } from '@mantine/core';

export interface RowAction {
  label: string;
  onClick: () => void;
  /** Removes or ends something: drawn in red. */
  danger?: boolean;
  /** The name for screen readers where a table holds many buttons of one label ("Edit gpt-4o"). */
  ariaLabel?: string;
}

/** The buttons at the end of a table row; an action given as `false` is left out (not allowed, or not now). */
export function RowActions({ actions }: { actions: Array<RowAction | false> }) {
  return (
    <Group gap={6} wrap="nowrap">
      {actions.map(
        (action) =>
          action && (
            <Button
              key={action.label}
              size="compact-sm"
              variant={action.danger ? 'light' : 'default'}
              color={action.danger ? 'red' : undefined}
              onClick={action.onClick}
              aria-label={action.ariaLabel}
            >
              {action.label}
            </Button>
          ),
      )}
    </Group>
  );
}
