import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageLoader } from '../components/common/page-loader';
import { usePageTitle } from '../components/common/use-page-title';
import { OrderStatusBadge } from '../components/orders/order-status-badge';
import { FINAL_ORDER_STATUSES, useOrderStatus } from '../hooks/api/orders/queries';
import type { OrderStatusAnswer } from '../hooks/api/orders/types';
import { useFormat } from '../lib/format';

/**
 * Where the payment provider sends the buyer back (/orders/:orderNo/return?sig=…). Works
 * signed out: the signature in the link is the permission to read this one order's status.
 */
export function OrderReturnPage() {
  const { t } = useTranslation();
  const { orderNo = '' } = useParams();
  const [params] = useSearchParams();
  const sig = params.get('sig') ?? '';
  usePageTitle(t('orderReturn.title'));

  return (
    <Paper withBorder shadow="xs" radius="md" p={{ base: 'md', sm: 'xl' }}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {t('orderReturn.title')}
        </Title>
        <Text size="sm" c="dimmed" ff="monospace">
          {t('orderReturn.order', { orderNo })}
        </Text>
        {sig ? (
          <OrderStatus orderNo={orderNo} sig={sig} />
        ) : (
          <Alert color="yellow" variant="light" role="alert">
            {t('orderReturn.missingSig')}
          </Alert>
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

function OrderStatus({ orderNo, sig }: { orderNo: string; sig: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useOrderStatus(orderNo, sig);

  if (status.isError && !status.data) return <ApiErrorAlert error={status.error} onRetry={() => void status.refetch()} />;
  if (!status.data) return <PageLoader />;

  const order = status.data;
  const final = FINAL_ORDER_STATUSES.includes(order.status);
  return (
    <Stack gap="sm" aria-live="polite">
      <Group gap="sm">
        <OrderStatusBadge status={order.status} raw size="lg" data-testid="order-status" />
        <Text fw={600}>{order.package_name}</Text>
        <Text>{format.money(order.amount_cents, order.currency)}</Text>
      </Group>
      {final ? (
        <FinalMessage order={order} />
      ) : (
        <Alert color="blue" variant="light" title={t('orderReturn.waiting')} icon={<Loader size="xs" />}>
          {t('orderReturn.waitingHint')}
        </Alert>
      )}
    </Stack>
  );
}

function FinalMessage({ order }: { order: OrderStatusAnswer }) {
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
    case 'refunded':
      return (
        <Alert color="orange" variant="light">
          {t('orderReturn.refunded')}
        </Alert>
      );
    default:
      return (
        <Alert color="red" variant="light" role="alert">
          {t('orderReturn.failed')}
        </Alert>
      );
  }
}
