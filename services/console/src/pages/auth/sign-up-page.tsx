import { Alert, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AuthCard, AuthSwitchLink } from '../../components/auth/auth-card';
import { ResendVerification } from '../../components/auth/resend-verification';
import { SignUpForm } from '../../components/auth/sign-up-form';
import { useLoadedSession } from '../../hooks/api/session/queries';

export function SignUpPage() {
  const { t } = useTranslation();
  const { signup_mode } = useLoadedSession();
  // After sign-up the account exists but cannot sign in before the mailed link is opened.
  const [signedUpEmail, setSignedUpEmail] = useState<string | null>(null);

  const signInLink = <AuthSwitchLink question={t('signUp.haveAccount')} to="/sign-in" label={t('signUp.signInLink')} />;

  if (signedUpEmail !== null) {
    return (
      <AuthCard title={t('signUp.checkMailTitle')}>
        <Stack gap="md" role="status">
          <Text>{t('signUp.checkMailBody', { email: signedUpEmail })}</Text>
          <Text size="sm" c="dimmed">
            {t('signUp.noMail')}
          </Text>
          <ResendVerification email={signedUpEmail} />
          <Button component={Link} to="/sign-in" variant="default">
            {t('common.goToSignIn')}
          </Button>
        </Stack>
      </AuthCard>
    );
  }

  if (signup_mode === 'closed') {
    return (
      <AuthCard title={t('signUp.title')}>
        <Alert color="gray" variant="light" title={t('signUp.closedTitle')}>
          {t('signUp.closedBody')}
        </Alert>
        <Button component={Link} to="/sign-in">
          {t('common.goToSignIn')}
        </Button>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('signUp.title')} footer={signInLink}>
      <SignUpForm inviteRequired={signup_mode === 'invite'} onSignedUp={setSignedUpEmail} />
    </AuthCard>
  );
}
