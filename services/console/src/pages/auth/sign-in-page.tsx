import { useTranslation } from 'react-i18next';
import { AuthCard, AuthSwitchLink } from '../../components/auth/auth-card';
import { SignInForm } from '../../components/auth/sign-in-form';
import { useLoadedSession } from '../../hooks/api/session/queries';

export function SignInPage() {
  const { t } = useTranslation();
  const { signup_mode } = useLoadedSession();
  return (
    <AuthCard
      title={t('signIn.title')}
      footer={signup_mode !== 'closed' && <AuthSwitchLink question={t('signIn.noAccount')} to="/sign-up" label={t('signIn.signUpLink')} />}
    >
      <SignInForm />
    </AuthCard>
  );
}
