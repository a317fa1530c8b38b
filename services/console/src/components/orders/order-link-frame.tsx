import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { usePageTitle } from '../common/use-page-title';

interface OrderLinkFrameProps {
  title: string;
  orderNo: string;
  /** The link's signature: without it the page has no permission to act, and says so. */
  sig: string;
  children: ReactNode;
}

/** The card of the pages a payment provider sends the buyer back to, signed in or not, with the ways on. */
export function OrderLinkFrame({ title, orderNo, sig, children }: OrderLinkFrameProps) {
  const { t } = useTranslation();
  usePageTitle(title);
  return (
    <Paper withBorder shadow="xs" radius="md" p={{ base: 'md', sm: 'xl' }}>
      <Stack gap="md">
        <Title order={1} size="h2">
          {title}
        </Title>
        <Text size="sm" c="dimmed" ff="monospace">
          {t('orderReturn.order', { orderNo })}
        </Text>
        {sig ? (
          children
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
