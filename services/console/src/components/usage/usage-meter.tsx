import { Badge, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';

interface UsageMeterProps {
  label: string;
  used: number;
  /** null: no limit; 'no-package': nothing is allowed until a package is active. */
  limit: number | null | 'no-package';
  /** How to write the amounts (a count by default; credits are dollars). */
  formatValue?: (value: number) => string;
  /** Without a frame of its own, for several meters in one card. */
  bare?: boolean;
}

/** One count against its limit; the bar turns orange, then red, as it fills. */
export function UsageMeter({ label, used, limit, formatValue, bare = false }: UsageMeterProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const shown = formatValue ?? format.number;
  const frame = (content: ReactNode) =>
    bare ? (
      content
    ) : (
      <Paper withBorder p="md" radius="md">
        {content}
      </Paper>
    );
  if (limit === 'no-package') {
    return frame(
      <Stack gap="xs">
        <Text size="sm" c="dimmed" fw={500}>
          {label}
        </Text>
        <Text fw={700} size={bare ? 'md' : 'xl'}>
          {t('overview.usedNoPackage', { used: shown(used) })}
        </Text>
      </Stack>,
    );
  }
  const percent = limit ? Math.min(100, (used / limit) * 100) : limit === 0 ? 100 : 0;
  const color = percent >= 100 ? 'red' : percent >= 80 ? 'orange' : 'blue';
  return frame(
    <Stack gap="xs">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" c="dimmed" fw={500}>
          {label}
        </Text>
        {limit === null && (
          <Badge variant="light" color="gray" size={bare ? 'sm' : 'md'}>
            {t('common.unlimited')}
          </Badge>
        )}
      </Group>
      <Text fw={700} size={bare ? 'md' : 'xl'} style={{ overflowWrap: 'anywhere' }}>
        {limit === null
          ? bare
            ? shown(used)
            : t('overview.usedUnlimited', { used: shown(used) })
          : t('overview.ofLimit', { used: shown(used), limit: shown(limit) })}
      </Text>
      {limit !== null && <Progress value={percent} color={color} size={bare ? 'md' : 'lg'} radius="xl" aria-label={label} />}
    </Stack>,
  );
}
