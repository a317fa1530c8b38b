import { Alert, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { OrderLinkFrame } from '../components/orders/order-link-frame';
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
    <OrderLinkFrame title={t('orderCancelled.title')} orderNo={orderNo} sig={sig}>
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
    </OrderLinkFrame>
  );
}
