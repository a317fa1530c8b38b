import { Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { CreateKeyForm } from '../components/keys/create-key-form';
import { KeysTable } from '../components/keys/keys-table';
import { NewKeyModal } from '../components/keys/new-key-modal';
import { RenameKeyModal } from '../components/keys/rename-key-modal';
import { RevokeKeyModal } from '../components/keys/revoke-key-modal';
import { useApiKeys } from '../hooks/api/keys/queries';
import type { ApiKeyView, CreatedApiKey } from '../hooks/api/keys/types';

export function KeysPage() {
  const { t } = useTranslation();
  const keys = useApiKeys();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [renaming, setRenaming] = useState<ApiKeyView | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyView | null>(null);

  return (
    <Stack gap="lg">
      <PageHeader title={t('keys.title')} description={t('keys.intro')} />
      <CreateKeyForm onCreated={setCreated} />
      {keys.isError && <ApiErrorAlert error={keys.error} onRetry={() => void keys.refetch()} />}
      {keys.isPending && <PageLoader />}
      {keys.data && (
        <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
          {keys.data.length === 0 ? (
            <Text c="dimmed" size="sm" p="sm">
              {t('keys.empty')}
            </Text>
          ) : (
            <KeysTable keys={keys.data} onRename={setRenaming} onRevoke={setRevoking} />
          )}
        </Paper>
      )}
      <NewKeyModal created={created} onClose={() => setCreated(null)} />
      <RenameKeyModal apiKey={renaming} onClose={() => setRenaming(null)} />
      <RevokeKeyModal apiKey={revoking} onClose={() => setRevoking(null)} />
    </Stack>
  );
}
