import { Button, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useResendVerification } from '../../hooks/api/auth/mutations';
import { ApiErrorAlert } from '../common/api-error-alert';

/** "Resend verification mail": the answer is the same whether or not the account exists. */
export function ResendVerification({ email }: { email: string }) {
  const { t } = useTranslation();
  const resend = useResendVerification();
  return (
    <Stack gap="xs" align="flex-start">
      <Button variant="light" size="sm" loading={resend.isPending} onClick={() => resend.mutate(email)}>
        {t('signIn.resend')}
      </Button>
      {resend.isSuccess && (
        <Text size="sm" c="teal.8" role="status">
          {t('signIn.resent')}
        </Text>
      )}
      {resend.isError && <ApiErrorAlert error={resend.error} />}
    </Stack>
  );
}
