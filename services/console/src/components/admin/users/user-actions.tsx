import { Alert, Button, Group, Stack } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSendPasswordReset, useSetUserStatus } from '../../../hooks/api/admin/users/mutations';
import type { UserView } from '../../../hooks/api/admin/users/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { ConfirmModal } from '../common/confirm-modal';

/** Suspend or resume (asked twice), and a password-reset mail: what every staff role may do. */
export function UserActions({ user }: { user: UserView }) {
  const { t } = useTranslation('admin');
  const setStatus = useSetUserStatus();
  const reset = useSendPasswordReset();
  // Fixed when the dialog opens: the status refreshed on success must not change its words.
  const [confirming, setConfirming] = useState<'suspend' | 'resume' | null>(null);
  const action = user.status === 'active' ? 'suspend' : 'resume';
  const shown = confirming ?? action;

  const open = () => {
    setStatus.reset();
    setConfirming(action);
  };

  return (
    <Stack gap="xs" align="flex-start">
      <Group gap="xs">
        <Button variant="light" color={action === 'suspend' ? 'red' : 'teal'} onClick={open}>
          {t(`userDetail.${action}`)}
        </Button>
        <Button variant="default" loading={reset.isPending} onClick={() => reset.mutate(user.id)}>
          {t('userDetail.sendReset')}
        </Button>
      </Group>
      {reset.isSuccess && (
        <Alert color="teal" variant="light" role="status" py="xs">
          {t('userDetail.resetSent', { email: user.email })}
        </Alert>
      )}
      {reset.isError && <ApiErrorAlert error={reset.error} />}
      <ConfirmModal
        opened={confirming !== null}
        title={t(`userDetail.${shown}Title`)}
        body={t(`userDetail.${shown}Body`, { email: user.email })}
        confirmLabel={t(`userDetail.${shown}`)}
        color={shown === 'suspend' ? 'red' : 'teal'}
        pending={setStatus.isPending}
        error={setStatus.error}
        onConfirm={() => setStatus.mutate({ id: user.id, action: shown }, { onSuccess: () => setConfirming(null) })}
        onClose={() => setConfirming(null)}
      />
    </Stack>
  );
}
