import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { useSession } from '../../hooks/api/session/queries';
import { landingPath, signInPath } from '../../lib/navigation';
import { PageLoader } from '../common/page-loader';
import { useErrorMessage } from '../common/use-error-message';
import { PublicFrame } from './public-layout';

/**
 * Nothing below renders before the session is known: the pages need the sign-up mode, the
 * API base URL and the CSRF token. When the gateway cannot be reached, say so and offer a retry.
 */
export function SessionGate({ framed = false }: { framed?: boolean }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  const session = useSession();

  if (session.data) return <Outlet />;
  // Under the console routes there is no frame yet: draw the public one around the message.
  const Frame = framed ? PublicFrame : Fragment;
  if (session.isError) {
    return (
      <Frame>
        <Paper withBorder p="lg" radius="md" role="alert">
          <Stack gap="sm" align="flex-start">
            <Title order={1} size="h3">
              {t('sessionError.title')}
            </Title>
            <Text size="sm">{t('sessionError.body')}</Text>
            <Text size="sm" c="dimmed">
              {message(session.error)}
            </Text>
            <Button onClick={() => void session.refetch()} loading={session.isFetching}>
              {t('app.retry')}
            </Button>
          </Stack>
        </Paper>
      </Frame>
    );
  }
  return (
    <Frame>
      <Center mih="50vh">
        <PageLoader />
      </Center>
    </Frame>
  );
}

/** The signed-in part: without a user, off to sign-in with a note of where the person was going. */
export function RequireUser() {
  const session = useSession();
  const location = useLocation();
  if (session.data?.user) return <Outlet />;
  return <Navigate to={signInPath(`${location.pathname}${location.search}`)} replace />;
}

/** Sign-in and sign-up make no sense once signed in: go where the person was going (staff: the Operations overview). */
export function GuestOnly() {
  const session = useSession();
  const [params] = useSearchParams();
  const user = session.data?.user;
  if (user) return <Navigate to={landingPath(params.get('next'), user.role !== null)} replace />;
  return <Outlet />;
}
