import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRenameApiKey } from '../../hooks/api/keys/mutations';
import type { ApiKeyView } from '../../hooks/api/keys/types';
import { validate } from '../../lib/form-validation';
import { ApiErrorAlert } from '../common/api-error-alert';

export function RenameKeyModal({ apiKey, onClose }: { apiKey: ApiKeyView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const rename = useRenameApiKey();
  const [name, setName] = useState('');
  const [invalid, setInvalid] = useState(false);
  const { reset } = rename;

  // Each opening starts from the key's current name and no leftover error.
  useEffect(() => {
    setName(apiKey?.name ?? '');
    setInvalid(false);
    reset();
  }, [apiKey, reset]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!apiKey) return;
    const checked = await validate('renameKeyRequest', { name });
    setInvalid(checked.invalid !== null);
    if (checked.data) rename.mutate({ id: apiKey.id, name: checked.data.name }, { onSuccess: onClose });
  };

  return (
    <Modal opened={apiKey !== null} onClose={onClose} title={t('keys.renameTitle')} closeButtonProps={{ 'aria-label': t('common.close') }} centered>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="md">
          <TextInput
            label={t('fields.newName')}
            required
            maxLength={100}
            data-autofocus
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={invalid ? t('validation.keyName') : undefined}
          />
          {rename.isError && <ApiErrorAlert error={rename.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={rename.isPending}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
