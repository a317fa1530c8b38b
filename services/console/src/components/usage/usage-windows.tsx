import { Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { TodayUsage, UsageWindow } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';
import { UsageMeter } from './usage-meter';

const ORDER: Record<UsageWindow['window'], number> = { day: 0, five_hour: 1, week: 2 };

/** The windows to show, the day first; the day from today's counts should the answer hold none. */
function windowsOf(today: TodayUsage): UsageWindow[] {
  if (today.windows.length > 0) return [...today.windows].sort((a, b) => ORDER[a.window] - ORDER[b.window]);
  return [
    {
      window: 'day',
      started_at: null,
      resets_at: today.resets_at,
      request_count: today.request_count,
      total_tokens: today.total_tokens,
      cost: today.cost,
      request_limit: today.limits?.daily_request_limit ?? null,
      token_limit: today.limits?.daily_token_limit ?? null,
      credit_limit: today.limits?.daily_credit_limit ?? null,
    },
  ];
}

/**
 * Every limit window of the current plan (the day; 5 hours and the week when the plan limits
 * them): requests, tokens and credits against their limits, and when each resets.
 */
export function UsageWindows({ today }: { today: TodayUsage }) {
  const { t } = useTranslation();
  const format = useFormat();
  const limits = today.limits;
  return (
    <Stack gap="sm">
      {windowsOf(today).map((window) => (
        <WindowCard key={window.window} window={window} today={today} />
      ))}
      <Text size="sm" c="dimmed" data-testid="today-cost">
        {t('overview.todaySpend', {
          cost: format.usd(today.cost),
          cached: format.number(today.cached_tokens),
          reasoning: format.number(today.reasoning_tokens),
        })}
        {limits && ` · ${t('overview.rpm')}: ${limits.rpm_limit === null ? t('common.unlimited') : format.number(limits.rpm_limit)}`}
        {limits &&
          ` · ${t('overview.streams')}: ${limits.max_concurrent_streams === null ? t('common.unlimited') : format.number(limits.max_concurrent_streams)}`}
      </Text>
    </Stack>
  );
}

function WindowCard({ window, today }: { window: UsageWindow; today: TodayUsage }) {
  const { t } = useTranslation();
  const format = useFormat();
  const titleId = useId();
  const noPackage = today.limits === null;
  const isDay = window.window === 'day';
  const limit = (value: number | null) => (noPackage ? ('no-package' as const) : value);

  // The day shows all three (its credits meter is today's spend); the other windows only what they limit.
  const meters = [
    { key: 'requests', label: t('overview.requests'), used: window.request_count, limit: window.request_limit, money: false },
    { key: 'tokens', label: t('overview.tokens'), used: window.total_tokens, limit: window.token_limit, money: false },
    { key: 'credits', label: t('overview.credits'), used: window.cost, limit: window.credit_limit, money: true },
  ];
  const limited = meters.filter((meter) => meter.limit !== null);
  const shown = isDay || limited.length === 0 ? meters : limited;

  let resets: string;
  if (window.started_at === null && !isDay) resets = t('overview.windowNotStarted');
  else if (window.resets_at === null) resets = '';
  // In the viewer's own time, the zone named; the day also names the gateway's business zone, whose midnight it is.
  else if (isDay) resets = t('overview.resetsAt', { time: format.zoned(window.resets_at), zone: today.time_zone });
  else resets = t('overview.windowResetsAt', { time: format.zoned(window.resets_at) });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={titleId} data-testid={`usage-window-${window.window}`}>
      <Group justify="space-between" align="baseline" gap={4} mb="sm">
        <Title order={3} size="h5" id={titleId}>
          {t(`overview.windows.${window.window}`)}
        </Title>
        {resets && (
          <Text size="xs" c="dimmed" data-testid={`usage-window-${window.window}-resets`}>
            {resets}
          </Text>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="md" verticalSpacing="md">
        {shown.map((meter) => (
          <UsageMeter
            key={meter.key}
            bare
            label={meter.label}
            used={meter.used}
            limit={limit(meter.limit)}
            formatValue={meter.money ? format.usd : undefined}
          />
        ))}
      </SimpleGrid>
    </Paper>
  );
}
