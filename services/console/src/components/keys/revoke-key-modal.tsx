import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useRevokeApiKey } from '../../hooks/api/keys/mutations';
import type { ApiKeyView } from '../../hooks/api/keys/types';
import { ApiErrorAlert } from '../common/api-error-alert';

/** Revoking cannot be undone, so it is asked twice. */
export function RevokeKeyModal({ apiKey, onClose }: { apiKey: ApiKeyView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const revoke = useRevokeApiKey();
  const { reset } = revoke;

  useEffect(() => {
    if (apiKey) reset();
  }, [apiKey, reset]);

  return (
    <Modal opened={apiKey !== null} onClose={onClose} title={t('keys.revokeTitle')} closeButtonProps={{ 'aria-label': t('common.close') }} centered>
      <Stack gap="md">
        <Text size="sm">{t('keys.revokeBody', { name: apiKey?.name ?? '' })}</Text>
        {revoke.isError && <ApiErrorAlert error={revoke.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={revoke.isPending} onClick={() => apiKey && revoke.mutate(apiKey.id, { onSuccess: onClose })}>
            {t('keys.revoke')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
