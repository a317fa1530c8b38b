import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageLoader } from '../components/common/page-loader';
import { OrderLinkFrame } from '../components/orders/order-link-frame';
import { OrderOutcome, OrderSummary } from '../components/orders/order-outcome';
import { FINAL_ORDER_STATUSES, useOrderStatus } from '../hooks/api/orders/queries';

/** How long the page waits for the provider's confirmation before it says what to do instead. */
const WAIT_MS = 60_000;

/**
 * Where the payment provider sends the buyer back (/orders/:orderNo/return?sig=…). Works
 * signed out: the signature in the link is the permission to read this one order's status.
 */
export function OrderReturnPage() {
  const { t } = useTranslation();
  const { orderNo = '' } = useParams();
  const [params] = useSearchParams();
  const sig = params.get('sig') ?? '';

  return (
    <OrderLinkFrame title={t('orderReturn.title')} orderNo={orderNo} sig={sig}>
      <OrderStatus orderNo={orderNo} sig={sig} />
    </OrderLinkFrame>
  );
}

/** Polls the order until it is settled, for WAIT_MS at most; then says what the buyer can do. */
function OrderStatus({ orderNo, sig }: { orderNo: string; sig: string }) {
  const { t } = useTranslation();
  const [deadline, setDeadline] = useState(() => Date.now() + WAIT_MS);
  const [gaveUp, setGaveUp] = useState(false);
  const status = useOrderStatus(orderNo, sig, !gaveUp);

  useEffect(() => {
    const timer = setTimeout(() => setGaveUp(true), Math.max(0, deadline - Date.now()));
    return () => clearTimeout(timer);
  }, [deadline]);

  if (status.isError && !status.data) return <ApiErrorAlert error={status.error} onRetry={() => void status.refetch()} />;
  if (!status.data) return <PageLoader />;

  const order = status.data;
  const final = FINAL_ORDER_STATUSES.includes(order.status);
  return (
    <Stack gap="sm" aria-live="polite">
      <OrderSummary order={order} />
      {final && <OrderOutcome order={order} />}
      {!final && !gaveUp && (
        <Alert color="blue" variant="light" title={t('orderReturn.waiting')} icon={<Loader size="xs" />}>
          {t('orderReturn.waitingHint')}
        </Alert>
      )}
      {!final && gaveUp && (
        <Alert color="yellow" variant="light" title={t('orderReturn.notConfirmedTitle')} data-testid="order-not-confirmed">
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{t('orderReturn.notConfirmed')}</Text>
            <Group gap="sm">
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  setGaveUp(false);
                  setDeadline(Date.now() + WAIT_MS);
                  void status.refetch();
                }}
              >
                {t('orderReturn.checkAgain')}
              </Button>
              <Button
                size="xs"
                variant="light"
                color="red"
                component={Link}
                to={`/orders/${encodeURIComponent(orderNo)}/cancelled?${new URLSearchParams({ sig })}`}
              >
                {t('orderReturn.cancelOrder')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
