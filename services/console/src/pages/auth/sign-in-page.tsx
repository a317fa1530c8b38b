import { Anchor, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AuthCard } from '../../components/auth/auth-card';
import { SignInForm } from '../../components/auth/sign-in-form';
import { useLoadedSession } from '../../hooks/api/session/queries';

export function SignInPage() {
  const { t } = useTranslation();
  const { signup_mode } = useLoadedSession();
  return (
    <AuthCard
      title={t('signIn.title')}
      footer={
        signup_mode !== 'closed' && (
          <Group gap={6}>
            <Text size="sm" c="dimmed">
              {t('signIn.noAccount')}
            </Text>
            <Anchor component={Link} to="/sign-up" size="sm">
              {t('signIn.signUpLink')}
            </Anchor>
          </Group>
        )
      }
    >
      <SignInForm />
    </AuthCard>
  );
}
