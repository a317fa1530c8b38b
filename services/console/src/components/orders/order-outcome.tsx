import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePlaceOrder } from '../../hooks/api/orders/mutations';
import type { OrderStatusAnswer } from '../../hooks/api/orders/types';
import { useSession } from '../../hooks/api/session/queries';
import { useFormat } from '../../lib/format';
import { ApiErrorAlert } from '../common/api-error-alert';
import { OrderStatusBadge } from './order-status-badge';

/** Statuses after which the buyer may want to buy the same again. */
const UNPAID_ENDINGS: ReadonlyArray<OrderStatusAnswer['status']> = ['cancelled', 'expired', 'failed'];

/** The order's status (as its code, for tests and support), package and amount. */
export function OrderSummary({ order }: { order: OrderStatusAnswer }) {
  const format = useFormat();
  return (
    <Group gap="sm">
      <OrderStatusBadge status={order.status} raw size="lg" data-testid="order-status" />
      <Text fw={600}>{order.package_name}</Text>
      <Text>{format.money(order.amount_cents, order.currency)}</Text>
    </Group>
  );
}

/** What an order that will not change any more means for the buyer, and a way to buy again when it was not paid. */
export function OrderOutcome({ order }: { order: OrderStatusAnswer }) {
  return (
    <Stack gap="sm">
      <OutcomeMessage order={order} />
      {UNPAID_ENDINGS.includes(order.status) && <TryAgain order={order} />}
    </Stack>
  );
}

function OutcomeMessage({ order }: { order: OrderStatusAnswer }) {
  const { t } = useTranslation();
  switch (order.status) {
    case 'fulfilled':
      return (
        <Alert color="teal" variant="light" role="status">
          {t('orderReturn.fulfilled', { name: order.package_name })}
        </Alert>
      );
    case 'expired':
      return (
        <Alert color="gray" variant="light">
          {t('orderReturn.expired')}
        </Alert>
      );
    case 'cancelled':
      return (
        <Alert color="gray" variant="light" data-testid="order-cancelled">
          {t('orderReturn.cancelled')}
        </Alert>
      );
    case 'refunded':
      return (
        <Alert color="orange" variant="light">
          {t('orderReturn.refunded')}
        </Alert>
      );
    case 'failed':
      return (
        <Alert color="red" variant="light" role="alert">
          {t('orderReturn.failed')}
        </Alert>
      );
    default:
      // Paid a moment ago: the package is being added.
      return (
        <Alert color="blue" variant="light">
          {t('orderReturn.waitingHint')}
        </Alert>
      );
  }
}

/**
 * Buy the order's package again: signed in, one click places the same order with the same
 * provider and goes to its checkout; signed out (another browser), the Buy page (after sign-in).
 */
export function TryAgain({ order }: { order: Pick<OrderStatusAnswer, 'package_id' | 'provider'> }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useSession();
  const place = usePlaceOrder();
  const leaving = place.isSuccess && place.data.checkout_url !== null;
  const again = () =>
    place.mutate(
      { package_id: order.package_id, provider: order.provider },
      {
        onSuccess: (placed) => {
          if (placed.checkout_url) window.location.assign(placed.checkout_url);
          else void navigate('/orders');
        },
      },
    );
  return (
    <Stack gap="xs">
      {place.isError && <ApiErrorAlert error={place.error} />}
      <Group gap="sm">
        {session.data?.user ? (
          <Button onClick={again} loading={place.isPending || leaving}>
            {t('orderReturn.tryAgain')}
          </Button>
        ) : (
          <Button component={Link} to="/buy">
            {t('orderReturn.tryAgain')}
          </Button>
        )}
        <Button component={Link} to="/buy" variant="subtle">
          {t('orderReturn.otherPackages')}
        </Button>
      </Group>
    </Stack>
  );
}
