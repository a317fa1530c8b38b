import { Alert, Anchor, Button, Stack, Table } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ConfirmModal } from '../../components/admin/common/confirm-modal';
import { OrderTimeline } from '../../components/admin/orders/order-timeline';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { RelatedLinks } from '../../components/admin/common/related-links';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { PanelCard, TwoColumns } from '../../components/common/page-section';
import { OrderStatusBadge } from '../../components/orders/order-status-badge';
import { useProviderName } from '../../components/orders/provider-name';
import { useRefundOrder } from '../../hooks/api/admin/orders/mutations';
import { useAdminOrder } from '../../hooks/api/admin/orders/queries';
import type { AdminOrderDetail } from '../../hooks/api/admin/orders/types';
import { usePackageNames } from '../../hooks/api/admin/packages/queries';
import { useFormat } from '../../lib/format';

/** One order: its details, the payment events timeline and, once fulfilled, a refund. */
export function AdminOrderDetailPage() {
  const { orderNo = '' } = useParams();
  const { t } = useTranslation('admin');
  const order = useAdminOrder(orderNo);
  const access = useStaffAccess();
  const refund = useRefundOrder();
  const [confirming, setConfirming] = useState(false);
  const format = useFormat();
  const data = order.data;

  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/admin/orders" size="sm">
        ← {t('orders.back')}
      </Anchor>
      <PageHeader
        title={t('orders.detailTitle', { orderNo })}
        actions={
          data &&
          access.change &&
          data.status === 'fulfilled' && (
            <Button
              color="red"
              variant="light"
              onClick={() => {
                refund.reset();
                setConfirming(true);
              }}
            >
              {t('orders.refund')}
            </Button>
          )
        }
      />
      {data && (
        <RelatedLinks
          label={t('orders.related')}
          links={[
            { to: `/admin/users/${data.user_id}`, label: t('orders.customer', { email: data.user_email ?? t('common.user', { id: data.user_id }) }) },
            { to: `/admin/usage?userId=${data.user_id}`, label: t('orders.customerRequests') },
            { to: `/admin/audit?targetType=order&targetId=${encodeURIComponent(data.order_no)}`, label: t('orders.auditEntries'), testId: 'order-audit-link' },
          ]}
        />
      )}
      {order.isError && <ApiErrorAlert error={order.error} onRetry={() => void order.refetch()} />}
      {order.isPending && <PageLoader />}
      {refund.isSuccess && (
        <Alert color="teal" variant="light" role="status">
          {t('orders.refunded')}
        </Alert>
      )}
      {data && (
        <TwoColumns>
          <PanelCard title={t('orders.details')} p="md">
            <OrderFacts order={data} />
          </PanelCard>
          <PanelCard title={t('orders.timeline')} p="md">
            <OrderTimeline order={data} />
          </PanelCard>
        </TwoColumns>
      )}
      <ConfirmModal
        opened={confirming}
        title={t('orders.refundTitle')}
        body={data ? t('orders.refundBody', { orderNo, amount: format.money(data.amount_cents, data.currency) }) : ''}
        confirmLabel={t('orders.refund')}
        pending={refund.isPending}
        error={refund.error}
        onConfirm={() => refund.mutate(orderNo, { onSuccess: () => setConfirming(false) })}
        onClose={() => setConfirming(false)}
      />
    </Stack>
  );
}

function OrderFacts({ order }: { order: AdminOrderDetail }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const providerName = useProviderName();
  const packageName = usePackageNames();
  const when = (iso: string | null) => (iso ? format.dateTime(iso) : t('common.none'));
  const rows: Array<[string, ReactNode]> = [
    [t('orders.fields.status'), <OrderStatusBadge key="status" status={order.status} data-testid="admin-order-status" />],
    [
      t('orders.fields.user'),
      <Anchor key="user" component={Link} to={`/admin/users/${order.user_id}`} size="sm" data-testid="admin-order-user">
        {order.user_email ?? t('common.user', { id: order.user_id })}
      </Anchor>,
    ],
    [t('orders.fields.package'), packageName(order.package_id) ?? t('common.unknownPackage', { id: order.package_id })],
    [t('orders.fields.amount'), format.money(order.amount_cents, order.currency)],
    [t('orders.fields.provider'), providerName(order.provider)],
    [t('orders.fields.created'), when(order.created_at)],
    [t('orders.fields.expires'), when(order.expires_at)],
    [t('orders.fields.paid'), when(order.paid_at)],
    [t('orders.fields.fulfilled'), when(order.fulfilled_at)],
    [t('orders.fields.refunded'), when(order.refunded_at)],
  ];
  return (
    <Table variant="vertical" withTableBorder={false} fz="sm">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={140}>{label}</Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
