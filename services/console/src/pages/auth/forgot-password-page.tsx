import { Alert, Anchor, Button, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { AuthCard } from '../../components/auth/auth-card';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { useForgotPassword } from '../../hooks/api/auth/mutations';
import { validate } from '../../lib/form-validation';
import { EmailField } from '../../components/common/email-field';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const forgot = useForgotPassword();
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('emailRequest', { email });
    setInvalid(checked.invalid !== null);
    if (checked.data) forgot.mutate(checked.data.email);
  };

  const back = (
    <Anchor component={Link} to="/sign-in" size="sm">
      {t('forgot.back')}
    </Anchor>
  );

  if (forgot.isSuccess) {
    // The same answer whether or not the account exists: the page must not tell which.
    return (
      <AuthCard title={t('forgot.title')} footer={back}>
        <Alert color="teal" variant="light" role="status">
          {t('forgot.sent', { email: forgot.variables })}
        </Alert>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('forgot.title')} footer={back}>
      <Text size="sm" c="dimmed">
        {t('forgot.intro')}
      </Text>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <EmailField value={email} onChange={setEmail} invalid={invalid} />
          {forgot.isError && <ApiErrorAlert error={forgot.error} />}
          <Button type="submit" loading={forgot.isPending} fullWidth>
            {t('forgot.submit')}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
