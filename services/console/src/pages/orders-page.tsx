import { Button, Paper, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { OrdersTable } from '../components/orders/orders-table';
import { useOrders } from '../hooks/api/orders/queries';

export function OrdersPage() {
  const { t } = useTranslation();
  const orders = useOrders();
  return (
    <Stack gap="lg">
      <PageHeader
        title={t('orders.title')}
        actions={
          <Button component={Link} to="/buy" variant="light">
            {t('nav.buy')}
          </Button>
        }
      />
      {orders.isError && <ApiErrorAlert error={orders.error} onRetry={() => void orders.refetch()} />}
      {orders.isPending && <PageLoader />}
      {orders.data && (
        <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
          {orders.data.length === 0 ? (
            <Text c="dimmed" size="sm" p="sm">
              {t('orders.empty')}
            </Text>
          ) : (
            <OrdersTable orders={orders.data} />
          )}
        </Paper>
      )}
    </Stack>
  );
}
