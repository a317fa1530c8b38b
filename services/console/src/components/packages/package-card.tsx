import { Button, Card, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PackageView, PaymentProviderView } from '../../hooks/api/packages/types';
import { useFormat } from '../../lib/format';
import { useProviderName } from '../orders/provider-name';
import { LimitsList } from './limits-list';

interface PackageCardProps {
  pkg: PackageView;
  /** The day it would start when that is not today (queued after the buyer's current package). */
  startsOn?: string;
  /** Only the providers that take this package's currency. */
  providers: PaymentProviderView[];
  onBuy: (provider: string) => void;
  buying: boolean;
  disabled: boolean;
}

/** A package on sale: what it gives, its price, how to pay, and "Buy". A region named after the package. */
export function PackageCard({ pkg, startsOn, providers, onBuy, buying, disabled }: PackageCardProps) {
  const { t } = useTranslation();
  const providerName = useProviderName();
  const format = useFormat();
  const titleId = useId();
  const [provider, setProvider] = useState(providers[0]?.name ?? '');

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={titleId}>
      <Stack gap="sm" h="100%">
        <Title order={2} size="h4" id={titleId}>
          {pkg.name}
        </Title>
        <Text fw={700} size="xl">
          {format.money(pkg.price_cents, pkg.currency)}
        </Text>
        {pkg.description && (
          <Text size="sm" c="dimmed">
            {pkg.description}
          </Text>
        )}
        <LimitsList limits={pkg} />
        {startsOn && (
          <Text size="sm" c="blue.8" data-testid="package-starts-on">
            {t('buy.startsOn', { date: format.day(startsOn) })}
          </Text>
        )}
        <Stack gap="sm" mt="auto">
          {providers.length === 0 ? (
            <Text size="sm" c="orange.8">
              {t('buy.noProvider')}
            </Text>
          ) : (
            <NativeSelect
              label={t('fields.paymentMethod')}
              value={provider}
              onChange={(event) => setProvider(event.currentTarget.value)}
              data={providers.map((p) => ({ value: p.name, label: providerName(p.name) }))}
            />
          )}
          <Button onClick={() => onBuy(provider)} loading={buying} disabled={disabled || providers.length === 0}>
            {t('buy.buy')}
          </Button>
        </Stack>
      </Stack>
    </Card>
  );
}
