import { Alert, Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CreatedApiKey } from '../../hooks/api/keys/types';
import { CopyButton } from '../common/copy-button';

/**
 * The only time the plain key exists outside the person's hands: the gateway keeps a hash.
 * Closing needs a deliberate click, not a stray click on the overlay.
 */
export function NewKeyModal({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={t('keys.newKeyTitle')}
      closeOnClickOutside={false}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      size="lg"
      centered
    >
      {created && (
        <Stack gap="md">
          <Text size="sm" fw={600}>
            {created.name}
          </Text>
          <Code block data-testid="new-api-key" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', fontSize: 'var(--mantine-font-size-sm)' }}>
            {created.key}
          </Code>
          <Alert color="yellow" variant="light">
            {t('keys.newKeyWarning')}
          </Alert>
          <Group justify="space-between">
            <CopyButton value={created.key} />
            <Button onClick={onClose}>{t('keys.newKeyDone')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
