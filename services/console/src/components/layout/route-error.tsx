import { Button, Container, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useRouteError } from 'react-router';

/**
 * A page that threw while rendering or failed to load its chunk (often: a new release
 * replaced the hashed files this tab still points at). A reload fixes the latter.
 */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  const detail = error instanceof Error ? error.message : null;
  return (
    <Container size={560} py="xl">
      <Paper withBorder p="lg" radius="md" role="alert">
        <Stack gap="sm">
          <Title order={1} size="h3">
            {t('routeError.title')}
          </Title>
          <Text size="sm">{t('routeError.body')}</Text>
          {detail && (
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {detail}
            </Text>
          )}
          <Group>
            <Button onClick={() => window.location.reload()}>{t('app.reload')}</Button>
            <Button component={Link} to="/" variant="default" reloadDocument>
              {t('common.backToOverview')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Container>
  );
}
