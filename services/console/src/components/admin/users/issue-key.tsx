import { Alert, Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useIssueUserKey } from '../../../hooks/api/admin/keys/mutations';
import type { IssuedApiKey } from '../../../hooks/api/admin/keys/types';
import { useRequestSchema, validate } from '../../../lib/form-validation';
import { fieldBounds } from '../../../lib/schema-bounds';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { CopyButton } from '../../common/copy-button';

/** A key for the user, named (optional); the plain key is shown once, in a dialog. */
export function IssueKeyForm({ userId }: { userId: number }) {
  const { t } = useTranslation('admin');
  const issue = useIssueUserKey(userId);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState<IssuedApiKey | null>(null);

  const schema = useRequestSchema('issueKeyRequest');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('issueKeyRequest', { name });
    if (!checked.data) return;
    issue.mutate(
      { name: checked.data.name },
      {
        onSuccess: (key) => {
          setName('');
          setIssued(key);
        },
      },
    );
  };

  return (
    <>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="xs">
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t('userDetail.keyName')}
              maxLength={fieldBounds(schema, 'name').maxLength}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              w={{ base: '100%', xs: 280 }}
            />
            <Button type="submit" loading={issue.isPending}>
              {t('userDetail.issueKey')}
            </Button>
          </Group>
          {issue.isError && <ApiErrorAlert error={issue.error} />}
        </Stack>
      </form>
      <IssuedKeyModal issued={issued} onClose={() => setIssued(null)} />
    </>
  );
}

/** The only time the plain key exists outside the customer's hands: closing needs a deliberate click. */
function IssuedKeyModal({ issued, onClose }: { issued: IssuedApiKey | null; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  return (
    <Modal
      opened={issued !== null}
      onClose={onClose}
      title={t('userDetail.issuedTitle')}
      closeOnClickOutside={false}
      closeButtonProps={{ 'aria-label': tMain('common.close') }}
      size="lg"
      centered
    >
      {issued && (
        <Stack gap="md">
          {issued.name && (
            <Text size="sm" fw={600}>
              {issued.name}
            </Text>
          )}
          <Code block data-testid="new-api-key" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', fontSize: 'var(--mantine-font-size-sm)' }}>
            {issued.key}
          </Code>
          <Alert color="yellow" variant="light">
            {t('userDetail.issuedWarning')}
          </Alert>
          <Group justify="space-between">
            <CopyButton value={issued.key} />
            <Button onClick={onClose}>{t('userDetail.done')}</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
