import { Alert, Button, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useProbeDetail } from '../../components/admin/channels/channel-health';
import { ChannelFormModal } from '../../components/admin/channels/channel-form-modal';
import { type ChannelActions, ChannelsTable } from '../../components/admin/channels/channels-table';
import { ConfirmModal } from '../../components/admin/common/confirm-modal';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PageLoader } from '../../components/common/page-loader';
import { useDeleteChannel, useProbeChannel, useUpdateChannel } from '../../hooks/api/admin/channels/mutations';
import { useChannels } from '../../hooks/api/admin/channels/queries';
import type { ChannelProbeResult, ChannelView } from '../../hooks/api/admin/channels/types';
import { useModels } from '../../hooks/api/admin/models/queries';
import { useFormat } from '../../lib/format';

/** The upstream channels with their live health; owners and admins add, edit, probe, switch and delete them. */
export function AdminChannelsPage() {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const probeDetail = useProbeDetail();
  const access = useStaffAccess();
  const channels = useChannels();
  const models = useModels();
  const probe = useProbeChannel();
  const enable = useUpdateChannel();
  const disable = useUpdateChannel();
  const remove = useDeleteChannel();
  const [editing, setEditing] = useState<ChannelView | 'new' | null>(null);
  const [disabling, setDisabling] = useState<ChannelView | null>(null);
  const [deleting, setDeleting] = useState<ChannelView | null>(null);
  const [probed, setProbed] = useState<{ name: string; result: ChannelProbeResult } | null>(null);

  const actions: ChannelActions | undefined = access.change
    ? {
        onEdit: setEditing,
        onProbe: (channel) => {
          setProbed(null);
          probe.mutate(channel.key, { onSuccess: (result) => setProbed({ name: channel.name, result }) });
        },
        onEnable: (channel) => enable.mutate({ key: channel.key, change: { enabled: true } }),
        onDisable: (channel) => {
          disable.reset();
          setDisabling(channel);
        },
        onDelete: (channel) => {
          remove.reset();
          setDeleting(channel);
        },
        busy: {
          probing: probe.isPending ? (probe.variables ?? null) : null,
          switching: enable.isPending ? (enable.variables?.key ?? null) : null,
        },
      }
    : undefined;

  const stopped = (channels.data ?? []).filter((channel) => !channel.enabled && channel.disabled_reason);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('channels.title')}
        description={t('channels.intro')}
        actions={access.change && <Button onClick={() => setEditing('new')}>{t('channels.create')}</Button>}
      />
      {stopped.map((channel) => (
        <Alert key={channel.key} color="red" variant="light" data-testid="channel-disabled-alert">
          {t('channels.disabledAlert', { name: channel.name, reason: channel.disabled_reason })}
        </Alert>
      ))}
      {probed && (
        <Alert
          color={probed.result.ok ? 'teal' : 'red'}
          variant="light"
          role="status"
          withCloseButton
          closeButtonLabel={t('channels.dismiss')}
          onClose={() => setProbed(null)}
          data-testid="probe-result"
        >
          {probed.result.ok
            ? t('channels.probeResultOk', { name: probed.name, status: probed.result.status ?? '—', ms: format.number(probed.result.latency_ms) })
            : t('channels.probeResultFailed', { name: probed.name, detail: probeDetail(probed.result), ms: format.number(probed.result.latency_ms) })}
        </Alert>
      )}
      {probe.isError && <ApiErrorAlert error={probe.error} />}
      {enable.isError && <ApiErrorAlert error={enable.error} />}
      {channels.isError && <ApiErrorAlert error={channels.error} onRetry={() => void channels.refetch()} />}
      {channels.isPending && <PageLoader />}
      {channels.data && (
        <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
          <Stack gap="xs">
            <Text size="xs" c="dimmed">
              {t('channels.refreshHint')}
            </Text>
            {channels.data.length === 0 ? (
              <Text c="dimmed" size="sm" p="sm">
                {t('channels.empty')}
              </Text>
            ) : (
              <ChannelsTable channels={channels.data} actions={actions} />
            )}
          </Stack>
        </Paper>
      )}
      <ChannelFormModal editing={editing} knownModels={(models.data ?? []).map((model) => model.name)} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={disabling !== null}
        title={t('channels.disableTitle')}
        body={t('channels.disableBody', { name: disabling?.name ?? '' })}
        confirmLabel={t('channels.disable')}
        pending={disable.isPending}
        error={disable.error}
        onConfirm={() => disabling && disable.mutate({ key: disabling.key, change: { enabled: false } }, { onSuccess: () => setDisabling(null) })}
        onClose={() => setDisabling(null)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title={t('channels.deleteTitle')}
        body={t('channels.deleteBody', { name: deleting?.name ?? '' })}
        confirmLabel={t('channels.delete')}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.key, { onSuccess: () => setDeleting(null) })}
        onClose={() => setDeleting(null)}
      />
    </Stack>
  );
}
