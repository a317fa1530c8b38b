import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { OrderStatus } from '../../../hooks/api/admin/orders/types';
import { useFormat } from '../../../lib/format';
import { OrderStatusBadge } from '../../orders/order-status-badge';
import { useProviderName } from '../../orders/provider-name';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

export interface AdminOrderRow {
  order_no: string;
  status: OrderStatus;
  package_id: number;
  /** Unknown until the package list is loaded. */
  package_name: string | undefined;
  amount_cents: number;
  currency: string;
  provider: string;
  created_at: string;
  /** Shown as a column when given (the order list; a user's page leaves it out). */
  user_id?: number;
  /** The customer's e-mail, shown in that column (their id only when the account is gone). */
  user_email?: string | null;
}

/** Orders; a row opens the order's page with the payment events. */
export function AdminOrdersTable({ orders, empty }: { orders: AdminOrderRow[]; empty: string }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const providerName = useProviderName();
  const navigate = useNavigate();
  const withUser = orders.some((order) => order.user_id !== undefined);
  if (orders.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        {empty}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={withUser ? 920 : 700}>
      <Table striped highlightOnHover fz="sm" style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('orders.columns.orderNo')}</Table.Th>
            {withUser && <Table.Th>{t('orders.columns.user')}</Table.Th>}
            <Table.Th>{t('orders.columns.package')}</Table.Th>
            <Table.Th ta="right">{t('orders.columns.amount')}</Table.Th>
            <Table.Th>{t('orders.columns.provider')}</Table.Th>
            <Table.Th>{t('orders.columns.status')}</Table.Th>
            <Table.Th>{t('orders.columns.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {orders.map((order) => (
            // The whole row opens the order; its number is the link for keyboards and screen readers.
            <Table.Tr
              key={order.order_no}
              data-testid="admin-order-row"
              style={{ cursor: 'pointer' }}
              onClick={() => navigate(`/admin/orders/${order.order_no}`)}
            >
              <Table.Td>
                <Anchor component={Link} to={`/admin/orders/${order.order_no}`} ff="monospace" size="sm" fw={600} onClick={(event) => event.stopPropagation()}>
                  {order.order_no}
                </Anchor>
              </Table.Td>
              {withUser && (
                <Table.Td>
                  {order.user_id !== undefined && (
                    <Anchor component={Link} to={`/admin/users/${order.user_id}`} size="sm" onClick={(event) => event.stopPropagation()}>
                      {order.user_email ?? t('common.user', { id: order.user_id })}
                    </Anchor>
                  )}
                </Table.Td>
              )}
              <Table.Td>{order.package_name ?? t('common.unknownPackage', { id: order.package_id })}</Table.Td>
              <Table.Td ta="right">{format.money(order.amount_cents, order.currency)}</Table.Td>
              <Table.Td>{providerName(order.provider)}</Table.Td>
              <Table.Td>
                <OrderStatusBadge status={order.status} />
              </Table.Td>
              <Table.Td>{format.dateTime(order.created_at)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
