import { Anchor, Table, Text, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { OrderView } from '../../hooks/api/orders/types';
import { useFormat } from '../../lib/format';
import { OrderStatusBadge } from './order-status-badge';
import { useProviderName } from './provider-name';
import { TableHead } from '../common/table-head';

// Cells keep to one line; the scroll container lets a wide table scroll sideways on a phone.
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** My orders, newest first as the API sends them; a pending one can still be paid. */
export function OrdersTable({ orders }: { orders: OrderView[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const providerName = useProviderName();
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover style={NO_WRAP}>
        <TableHead
          columns={[
            t('orders.columns.orderNo'),
            t('orders.columns.status'),
            t('orders.columns.package'),
            { label: t('orders.columns.amount'), numeric: true },
            t('orders.columns.provider'),
            t('orders.columns.created'),
            { label: <VisuallyHidden>{t('keys.columns.actions')}</VisuallyHidden> },
          ]}
        />
        <Table.Tbody>
          {orders.map((order) => (
            <Table.Tr key={order.order_no} data-testid="order-row">
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {order.order_no}
                </Text>
              </Table.Td>
              <Table.Td>
                <OrderStatusBadge status={order.status} />
              </Table.Td>
              <Table.Td>{order.package_name}</Table.Td>
              <Table.Td ta="right">{format.money(order.amount_cents, order.currency)}</Table.Td>
              <Table.Td>{providerName(order.provider)}</Table.Td>
              <Table.Td>{format.dateTime(order.created_at)}</Table.Td>
              <Table.Td>
                {order.status === 'pending' && order.checkout_url && (
                  <Anchor href={order.checkout_url} fw={600}>
                    {t('orders.pay')}
                  </Anchor>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
