import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { PeriodView } from '../../hooks/api/packages/types';
import type { TodayUsage } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';
import { LimitsList } from './limits-list';

/** The package in effect today with its terms (once `period` is loaded), or what to do when there is none. */
export function CurrentPlanCard({ today, period }: { today: TodayUsage; period: PeriodView | null | undefined }) {
  const { t } = useTranslation();
  const format = useFormat();
  const plan = today.package;

  if (!plan) {
    return (
      <Alert color="yellow" variant="light" title={t('overview.noPlanTitle')}>
        <Stack gap="sm" align="flex-start">
          <Text size="sm">{t('overview.noPlanBody')}</Text>
          <Group gap="sm">
            <Button component={Link} to="/buy" size="xs">
              {t('nav.buy')}
            </Button>
            <Button component={Link} to="/redeem" size="xs" variant="default">
              {t('nav.redeem')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }

  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Text size="sm" c="dimmed" fw={500}>
          {t('overview.plan')}
        </Text>
        <Group justify="space-between" align="center" gap="xs">
          <Title order={3} size="h3">
            {plan.name}
          </Title>
          <Badge color={plan.days_left <= 3 ? 'orange' : 'teal'} variant="light" size="lg">
            {t('overview.daysLeft', { count: plan.days_left })}
          </Badge>
        </Group>
        <Text size="sm" data-testid="plan-ends-at">
          {t('overview.endsAt', { time: format.zoned(plan.ends_at) })}
        </Text>
        {period && <LimitsList limits={period} />}
      </Stack>
    </Paper>
  );
}
