import { Alert, SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { PackageCard } from '../components/packages/package-card';
import { usePlaceOrder } from '../hooks/api/orders/mutations';
import { providersFor, useCatalog } from '../hooks/api/packages/queries';
import { useFormat } from '../lib/format';

export function BuyPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const format = useFormat();
  const catalog = useCatalog();
  // While a package runs, one bought now is queued: say from when, before the buyer pays.
  const startsOn = catalog.data && !catalog.data.starts_today ? catalog.data.starts_on : undefined;
  const order = usePlaceOrder();
  // Once an order is placed the browser is leaving: keep the buttons busy until it has.
  const leaving = order.isSuccess && order.data.checkout_url !== null;

  const buy = (packageId: number, provider: string) => {
    order.mutate(
      { package_id: packageId, provider },
      {
        onSuccess: (placed) => {
          if (placed.checkout_url) window.location.assign(placed.checkout_url);
          else void navigate('/orders');
        },
      },
    );
  };

  return (
    <Stack gap="lg">
      <PageHeader title={t('buy.title')} description={t('buy.intro')} />
      {catalog.isError && <ApiErrorAlert error={catalog.error} onRetry={() => void catalog.refetch()} />}
      {catalog.isPending && <PageLoader />}
      {order.isError && <ApiErrorAlert error={order.error} />}
      {leaving && (
        <Alert color="blue" variant="light" role="status">
          {t('buy.redirecting')}
        </Alert>
      )}
      {startsOn && (
        <Alert color="blue" variant="light" title={t('buy.queuedTitle')} data-testid="buy-starts-on">
          {t('buy.queued', { date: format.day(startsOn) })}
        </Alert>
      )}
      {catalog.data && catalog.data.packages.length === 0 && (
        <Text c="dimmed" size="sm">
          {t('buy.empty')}
        </Text>
      )}
      {catalog.data && (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {catalog.data.packages.map((pkg) => (
            <PackageCard
              key={pkg.id}
              pkg={pkg}
              startsOn={startsOn}
              providers={providersFor(pkg, catalog.data.providers)}
              onBuy={(provider) => buy(pkg.id, provider)}
              buying={(order.isPending || leaving) && order.variables?.package_id === pkg.id}
              disabled={order.isPending || leaving}
            />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
