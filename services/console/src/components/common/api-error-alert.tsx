import { Alert, Button, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../hooks/api/client';
import { useErrorMessage } from './use-error-message';

interface ApiErrorAlertProps {
  error: unknown;
  title?: string;
  /** Shown as a "Try again" button when given (for failed reads). */
  onRetry?: () => void;
}

/** A failed call, in words the person can act on; the request id helps support find it in the logs. */
export function ApiErrorAlert({ error, title, onRetry }: ApiErrorAlertProps) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <Alert color="red" variant="light" title={title} role="alert">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message(error)}</Text>
        {requestId && (
          <Text size="xs" c="dimmed">
            {t('usage.columns.requestId')}: {requestId}
          </Text>
        )}
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
