import { Alert, Button, Group, Loader, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { AuthCard } from '../../components/auth/auth-card';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { useVerifyEmail } from '../../hooks/api/auth/mutations';
import { useLoadedSession } from '../../hooks/api/session/queries';

/** The page the verification mail links to: /verify?token=… */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { user } = useLoadedSession();
  const verify = useVerifyEmail();
  // A token works once: never send it twice (StrictMode runs effects twice in development).
  const sent = useRef(false);
  const { mutate } = verify;

  useEffect(() => {
    if (!token || sent.current) return;
    sent.current = true;
    mutate(token);
  }, [token, mutate]);

  return (
    <AuthCard title={t('verify.title')}>
      {!token && (
        <Alert color="red" variant="light" role="alert">
          {t('verify.missingToken')}
        </Alert>
      )}
      {verify.isPending && (
        <Group gap="sm" role="status">
          <Loader size="sm" />
          <Text>{t('verify.working')}</Text>
        </Group>
      )}
      {verify.isError && <ApiErrorAlert error={verify.error} />}
      {verify.isSuccess && (
        <Alert color="teal" variant="light" role="status">
          {t(user ? 'verify.doneSignedIn' : 'verify.done', { email: verify.data.user.email })}
        </Alert>
      )}
      {(verify.isSuccess || verify.isError || !token) &&
        (user ? (
          <Button component={Link} to="/">
            {t('common.backToOverview')}
          </Button>
        ) : (
          <Button component={Link} to="/sign-in">
            {t('common.goToSignIn')}
          </Button>
        ))}
    </AuthCard>
  );
}
