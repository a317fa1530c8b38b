import { Badge, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ChannelHealthView, ChannelProbeResult, ChannelState } from '../../../hooks/api/admin/channels/types';
import { useFormat } from '../../../lib/format';

const STATE_COLOR: Record<ChannelState, string> = { closed: 'teal', half_open: 'yellow', open: 'red' };

/** The breaker's state: healthy, probing, or cooling down until a time, and why. */
export function ChannelStateBadge({ health }: { health: ChannelHealthView }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="light" color={STATE_COLOR[health.state]} data-testid="channel-state">
        {t(`channels.states.${health.state}`)}
      </Badge>
      {health.state === 'open' && health.open_until && (
        <Text size="xs" c="red.8">
          {t('channels.openUntil', { time: format.clock(health.open_until) })}
        </Text>
      )}
      {health.state !== 'closed' && health.reason && (
        <Text size="xs" c="dimmed" maw={220} style={{ whiteSpace: 'normal' }}>
          {health.reason}
        </Text>
      )}
    </Stack>
  );
}

/** The last 5 minutes: requests, the share that failed, the average latency. */
export function ChannelTraffic({ recent }: { recent: ChannelHealthView['recent'] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const rate = recent.requests > 0 ? recent.errors / recent.requests : 0;
  return (
    <Stack gap={2}>
      <Text size="sm">{t('channels.requests', { count: recent.requests, value: format.number(recent.requests) })}</Text>
      {recent.requests > 0 && (
        <Text size="xs" c={rate >= 0.1 ? 'red.8' : 'dimmed'}>
          {t('channels.errorRate', { rate: format.percent(rate) })}
        </Text>
      )}
      {recent.avg_latency_ms !== null && (
        <Text size="xs" c="dimmed">
          {t('channels.avgLatency', { ms: format.number(Math.round(recent.avg_latency_ms)) })}
        </Text>
      )}
    </Stack>
  );
}

/** A probe's outcome in a few words: "OK · 200 · 35 ms", or "failed · connection refused". */
export function useProbeWords(): (probe: ChannelProbeResult) => string {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const detail = useProbeDetail();
  return (probe) =>
    probe.ok
      ? t('channels.probeOk', { status: probe.status ?? '—', ms: format.number(probe.latency_ms) })
      : t('channels.probeFailed', { detail: detail(probe) });
}

/** What went wrong, by its category (the gateway never passes on the network's own text). */
export function useProbeDetail(): (probe: ChannelProbeResult) => string {
  const { t } = useTranslation('admin');
  return (probe) => (probe.category ? t(`channels.problems.${probe.category}`, { status: probe.status ?? '—' }) : (probe.error ?? '—'));
}

export function ChannelLastProbe({ probe }: { probe: ChannelHealthView['last_probe'] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const words = useProbeWords();
  if (!probe) {
    return (
      <Text size="sm" c="dimmed">
        {t('channels.neverProbed')}
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      <Text size="sm">{new Date(probe.at).toDateString() === new Date().toDateString() ? format.clock(probe.at) : format.dateTime(probe.at)}</Text>
      <Text size="xs" c={probe.ok ? 'teal.8' : 'red.8'} maw={220} style={{ whiteSpace: 'normal' }}>
        {words(probe)}
      </Text>
    </Stack>
  );
}
