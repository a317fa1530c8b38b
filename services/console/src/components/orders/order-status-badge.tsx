import { Badge, type BadgeProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrderView } from '../../hooks/api/orders/types';
import { statusColor } from '../../lib/status-colors';

interface OrderStatusBadgeProps extends Omit<BadgeProps, 'children' | 'color'> {
  status: OrderView['status'];
  /** Show the status code itself rather than its translation (the payment return page). */
  raw?: boolean;
  'data-testid'?: string;
}

export function OrderStatusBadge({ status, raw = false, ...props }: OrderStatusBadgeProps) {
  const { t } = useTranslation();
  return (
    // The raw code keeps its case on screen too (Badge upper-cases by default).
    <Badge variant="light" color={statusColor(status)} tt={raw ? 'none' : undefined} {...props}>
      {raw ? status : t(`orders.statuses.${status}`)}
    </Badge>
  );
}
