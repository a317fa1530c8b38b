import { Paper, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

interface StatCardProps {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  'data-testid'?: string;
}

/** One figure with its name, the size of a tile. */
export function StatCard({ label, value, hint, ...props }: StatCardProps) {
  return (
    <Paper withBorder p="md" radius="md" {...props}>
      <Stack gap={4}>
        <Text size="xs" c="dimmed" fw={700} tt="uppercase">
          {label}
        </Text>
        <Text size="xl" fw={700} style={{ overflowWrap: 'anywhere' }}>
          {value}
        </Text>
        {hint && (
          <Text size="xs" c="dimmed">
            {hint}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
