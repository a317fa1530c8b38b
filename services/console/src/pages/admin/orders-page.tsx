import { Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { AdminOrdersTable } from '../../components/admin/orders/admin-orders-table';
import { PageHeader } from '../../components/common/page-header';
import { ListPanel } from '../../components/common/page-section';
import { PagedList } from '../../components/common/paged-list';
import { useProviderName } from '../../components/orders/provider-name';
import { usePackageNames } from '../../hooks/api/admin/packages/queries';
import { useAdminOrders } from '../../hooks/api/admin/orders/queries';
import type { OrderFilters } from '../../hooks/api/admin/orders/types';
import { useCatalog } from '../../hooks/api/packages/queries';
import { ORDER_STATUSES } from '../../lib/order-statuses';
import { useUrlFilters } from '../../lib/use-url-filters';

const NO_FILTERS: OrderFilters = { status: '', provider: '', userId: '' };

export function AdminOrdersPage() {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const providerName = useProviderName();
  const catalog = useCatalog();
  const packageName = usePackageNames();
  const [filters, setFilters] = useUrlFilters(NO_FILTERS);
  const [userId] = useDebouncedValue(filters.userId.replace(/\D/g, ''), 300);
  const orders = useAdminOrders({ ...filters, userId });
  // The providers configured now, and whatever the filter names (an order may use a retired one).
  const providers = [...new Set([...(catalog.data?.providers.map((p) => p.name) ?? []), ...(filters.provider ? [filters.provider] : [])])];

  return (
    <Stack gap="lg">
      <PageHeader title={t('orders.title')} description={t('orders.intro')} />
      <ListPanel>
        <Group gap="sm" align="flex-end" role="search">
          <NativeSelect
            label={t('common.status')}
            value={filters.status}
            onChange={(event) => setFilters({ ...filters, status: event.currentTarget.value })}
            data={[
              { value: '', label: t('orders.anyStatus') },
              ...ORDER_STATUSES.map((status) => ({ value: status, label: tMain(`orders.statuses.${status}`) })),
            ]}
            w={{ base: '100%', xs: 180 }}
          />
          <NativeSelect
            label={t('orders.provider')}
            value={filters.provider}
            onChange={(event) => setFilters({ ...filters, provider: event.currentTarget.value })}
            data={[{ value: '', label: t('orders.anyProvider') }, ...providers.map((name) => ({ value: name, label: providerName(name) }))]}
            w={{ base: '100%', xs: 240 }}
          />
          <TextInput
            label={t('common.userId')}
            inputMode="numeric"
            value={filters.userId}
            onChange={(event) => setFilters({ ...filters, userId: event.currentTarget.value })}
            w={{ base: '100%', xs: 140 }}
          />
        </Group>
        <PagedList query={orders}>
          {(rows) => <AdminOrdersTable orders={rows.map((order) => ({ ...order, package_name: packageName(order.package_id) }))} empty={t('orders.empty')} />}
        </PagedList>
      </ListPanel>
    </Stack>
  );
}
