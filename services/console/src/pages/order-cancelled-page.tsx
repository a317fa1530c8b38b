import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { usePageTitle } from '../components/common/use-page-title';
import { OrderOutcome, OrderSummary, TryAgain } from '../components/orders/order-outcome';
import { useCancelOrder } from '../hooks/api/orders/mutations';

/**
 * Where Stripe's Cancel (and the return page's "Cancel this order") lead:
 * /orders/:orderNo/cancelled?sig=…. Cancels the pending order on arrival (the signed link
 * is the permission, no session needed), says so, and offers to buy again. An order paid a
 * moment before is not cancelled: the page then shows what became of it.
 */
export function OrderCancelledPage() {
  const { t } = useTranslation();
  const { orderNo = '' } = useParams();
  const [params] = useSearchParams();
  const sig = params.get('sig') ?? '';
  usePageTitle(t('orderCancelled.title'));
  const cancel = useCancelOrder(orderNo, sig);
  const sent = useRef(false);

  useEffect(() => {
    // Once per visit (React runs effects twice in development).
    if (!sig || sent.current) return;
    sent.current = true;
    cancel.mutate();
  }, [sig, cancel]);

  const order = cancel.data;
  return (
    <Paper withBorder shadow="xs" radius="md" p={{ base: 'md', sm: 'xl' }}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {t('orderCancelled.title')}
        </Title>
        <Text size="sm" c="dimmed" ff="monospace">
          {t('orderReturn.order', { orderNo })}
        </Text>
        {!sig && (
          <Alert color="yellow" variant="light" role="alert">
            {t('orderReturn.missingSig')}
          </Alert>
        )}
        {cancel.isPending && (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm">{t('orderCancelled.cancelling')}</Text>
          </Group>
        )}
        {cancel.isError && <ApiErrorAlert error={cancel.error} onRetry={() => cancel.mutate()} />}
        {order && (
          <Stack gap="sm" aria-live="polite">
            <OrderSummary order={order} />
            {order.status === 'cancelled' ? (
              <>
                <Alert color="gray" variant="light" role="status" data-testid="order-cancelled">
                  {t('orderCancelled.cancelled')}
                </Alert>
                <Text size="sm">{t('orderCancelled.tryAgainHint', { name: order.package_name })}</Text>
                <TryAgain order={order} />
              </>
            ) : (
              <OrderOutcome order={order} />
            )}
          </Stack>
        )}
        <Group gap="sm">
          <Button component={Link} to="/" variant="default">
            {t('common.backToOverview')}
          </Button>
          <Button component={Link} to="/orders" variant="subtle">
            {t('orderReturn.seeOrders')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
