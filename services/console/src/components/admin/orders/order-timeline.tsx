import { Badge, Group, Stack, Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AdminOrderDetail } from '../../../hooks/api/admin/orders/types';
import { useFormat } from '../../../lib/format';
import { useProviderName } from '../../orders/provider-name';
import { statusColor } from '../../../lib/status-colors';

interface Step {
  at: string;
  key: string;
  title: string;
  detail?: string;
  color: string;
  event?: { id: string; outcome: string };
}

/**
 * The order's life in one line of time: its own milestones (placed, paid, fulfilled,
 * refunded) among the payment provider's events, in the order they happened.
 */
export function OrderTimeline({ order }: { order: AdminOrderDetail }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const providerName = useProviderName();
  const steps: Step[] = [{ at: order.created_at, key: 'created', title: t('orders.steps.created'), color: statusColor('queued') }];
  if (order.paid_at) steps.push({ at: order.paid_at, key: 'paid', title: t('orders.steps.paid'), color: statusColor('paid') });
  if (order.fulfilled_at) steps.push({ at: order.fulfilled_at, key: 'fulfilled', title: t('orders.steps.fulfilled'), color: statusColor('fulfilled') });
  if (order.refunded_at) steps.push({ at: order.refunded_at, key: 'refunded', title: t('orders.steps.refunded'), color: statusColor('refunded') });
  if (order.cancelled_at) steps.push({ at: order.cancelled_at, key: 'cancelled', title: t('orders.steps.cancelled'), color: statusColor('cancelled') });
  for (const event of order.events) {
    steps.push({
      at: event.received_at,
      key: `event-${event.id}`,
      title: t('orders.event', { provider: providerName(event.provider), type: event.event_type }),
      color: statusColor(event.outcome),
      event: { id: event.event_id, outcome: event.outcome },
    });
  }
  // Stable: a milestone and the event that caused it, at the same instant, keep this order.
  steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  return (
    <Stack gap="sm">
      <Timeline active={steps.length - 1} bulletSize={14} lineWidth={2} data-testid="order-timeline">
        {steps.map((step) => (
          <Timeline.Item key={step.key} title={step.title} color={step.color} data-testid="order-timeline-item">
            <Text size="xs" c="dimmed">
              {format.dateTime(step.at)}
            </Text>
            {step.event && (
              <Group gap={6} mt={4} wrap="wrap">
                <Badge size="sm" variant="light" color={statusColor(step.event.outcome)} tt="none">
                  {t('orders.outcome', { outcome: step.event.outcome })}
                </Badge>
                <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                  {t('orders.eventId', { id: step.event.id })}
                </Text>
              </Group>
            )}
          </Timeline.Item>
        ))}
      </Timeline>
      {order.events.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('orders.noEvents')}
        </Text>
      )}
    </Stack>
  );
}
