import { Badge, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';

interface UsageMeterProps {
  label: string;
  used: number;
  /** null: no limit; 'no-package': nothing is allowed until a package is active. */
  limit: number | null | 'no-package';
}

/** One of today's counts against its daily limit; the bar turns orange, then red, as it fills. */
export function UsageMeter({ label, used, limit }: UsageMeterProps) {
  const { t } = useTranslation();
  const format = useFormat();
  if (limit === 'no-package') {
    return (
      <Paper withBorder p="md" radius="md">
        <Stack gap="xs">
          <Text size="sm" c="dimmed" fw={500}>
            {label}
          </Text>
          <Text fw={700} size="xl">
            {t('overview.usedNoPackage', { used: format.number(used) })}
          </Text>
        </Stack>
      </Paper>
    );
  }
  const percent = limit ? Math.min(100, (used / limit) * 100) : 0;
  const color = percent >= 100 ? 'red' : percent >= 80 ? 'orange' : 'blue';
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" c="dimmed" fw={500}>
            {label}
          </Text>
          {limit === null && (
            <Badge variant="light" color="gray">
              {t('common.unlimited')}
            </Badge>
          )}
        </Group>
        <Text fw={700} size="xl">
          {limit === null
            ? t('overview.usedUnlimited', { used: format.number(used) })
            : t('overview.ofLimit', { used: format.number(used), limit: format.number(limit) })}
        </Text>
        {limit !== null && <Progress value={percent} color={color} size="lg" radius="xl" aria-label={label} />}
      </Stack>
    </Paper>
  );
}
