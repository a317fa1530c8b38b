import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateUser } from '../../../hooks/api/admin/users/mutations';
import type { UserView } from '../../../hooks/api/admin/users/types';
import { validate } from '../../../lib/form-validation';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { EmailField } from '../../common/email-field';

/** An account by e-mail address, without a password (a reset mail lets the person choose one). */
export function CreateUserForm({ onCreated }: { onCreated: (user: UserView) => void }) {
  const { t } = useTranslation('admin');
  const create = useCreateUser();
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = await validate('newUserRequest', { email });
    setInvalid(checked.data === null);
    if (checked.data) create.mutate(checked.data, { onSuccess: onCreated });
  };

  return (
    <Paper withBorder p="md" radius="md">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('users.createTitle')}
          </Title>
          <Group align="flex-start" gap="sm">
            <div style={{ flex: '1 1 260px', maxWidth: 360 }}>
              <EmailField value={email} onChange={setEmail} invalid={invalid} />
            </div>
          </Group>
          <Text size="xs" c="dimmed">
            {t('users.createHint')}
          </Text>
          {create.isError && <ApiErrorAlert error={create.error} />}
          <Group>
            <Button type="submit" loading={create.isPending}>
              {t('users.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
