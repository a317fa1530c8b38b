import { Badge, Button, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ChannelView } from '../../../hooks/api/admin/channels/types';
import { useFormat } from '../../../lib/format';
import { ChannelLastProbe, ChannelStateBadge, ChannelTraffic } from './channel-health';
import { statusColor } from '../../../lib/status-colors';
import { TableHead } from '../../common/table-head';

const TOP = { verticalAlign: 'top' } as const;
const _NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** What staff who may change channels can do from a row (a channel from the environment: probe only). */
export interface ChannelActions {
  onEdit: (channel: ChannelView) => void;
  onProbe: (channel: ChannelView) => void;
  onEnable: (channel: ChannelView) => void;
  onDisable: (channel: ChannelView) => void;
  onDelete: (channel: ChannelView) => void;
  /** The keys of the channels being probed or switched on, for their buttons' spinners. */
  busy: { probing: string | null; switching: string | null };
}

interface ChannelsTableProps {
  channels: ChannelView[];
  /** Left out for roles that may not change channels. */
  actions?: ChannelActions;
}

/** Every channel: where it points, how it is routed, whether it is on, and its health right now. */
export function ChannelsTable({ channels, actions }: ChannelsTableProps) {
  const { t } = useTranslation('admin');
  return (
    <Table.ScrollContainer minWidth={actions ? 940 : 820}>
      <Table striped highlightOnHover verticalSpacing="sm" fz="sm">
        <TableHead
          columns={[
            t('channels.columns.channel'),
            { label: t('channels.columns.priority'), numeric: true, noWrap: true },
            { label: t('channels.columns.weight'), numeric: true, noWrap: true },
            t('channels.columns.models'),
            t('channels.columns.status'),
            t('channels.columns.traffic'),
            t('channels.columns.lastProbe'),
            actions !== undefined && t('common.actions'),
          ]}
        />
        <Table.Tbody>
          {channels.map((channel) => (
            <ChannelRow key={channel.key} channel={channel} actions={actions} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function ChannelRow({ channel, actions }: { channel: ChannelView; actions?: ChannelActions }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  return (
    <Table.Tr data-testid="channel-row" data-channel={channel.name}>
      <Table.Td style={TOP}>
        <Stack gap={4} align="flex-start">
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
            {channel.name}
          </Text>
          <Group gap={4}>
            <Badge variant="outline" color="gray" size="sm">
              {t(`channels.kinds.${channel.kind}`)}
            </Badge>
            {channel.managed_by_env && (
              <Badge variant="light" color="grape" size="sm">
                {t('channels.fromEnv')}
              </Badge>
            )}
          </Group>
          <Tooltip label={channel.base_url}>
            <Text ff="monospace" size="xs" truncate maw={240} tabIndex={0}>
              {channel.base_url}
            </Text>
          </Tooltip>
          <Text size="xs" c="dimmed">
            {channel.api_key_hint ? t('channels.keyHint', { hint: channel.api_key_hint }) : t('channels.noKey')}
            {channel.api_version && ` · api-version ${channel.api_version}`}
          </Text>
          {channel.managed_by_env && (
            <Text size="xs" c="dimmed" maw={240}>
              {t('channels.envNote')}
            </Text>
          )}
          {channel.notes && (
            <Text size="xs" c="dimmed" maw={240} lineClamp={2}>
              {channel.notes}
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td ta="right" style={TOP}>
        {format.number(channel.priority)}
      </Table.Td>
      <Table.Td ta="right" style={TOP}>
        {format.number(channel.weight)}
      </Table.Td>
      <Table.Td style={TOP}>
        <ModelList models={channel.models} map={channel.model_map} />
        {channel.unpriced_models.length > 0 && (
          <Text size="xs" c="orange.8" fw={600} maw={240} mt={4} data-testid="channel-unpriced">
            {t('channels.unpriced', { models: channel.unpriced_models.join(', ') })}
          </Text>
        )}
      </Table.Td>
      <Table.Td style={TOP}>
        <Stack gap={4} align="flex-start">
          <Badge
            variant={channel.enabled ? 'light' : 'filled'}
            color={channel.enabled ? statusColor('enabled') : statusColor('failed')}
            data-testid="channel-enabled"
          >
            {channel.enabled ? t('channels.enabledBadge') : t('channels.disabledBadge')}
          </Badge>
          {!channel.enabled && channel.disabled_reason && (
            <Text size="xs" c="red.8" fw={600} maw={200}>
              {t('channels.disabledByGateway', { reason: channel.disabled_reason })}
            </Text>
          )}
          <ChannelStateBadge health={channel.health} />
        </Stack>
      </Table.Td>
      <Table.Td style={TOP}>
        <ChannelTraffic recent={channel.health.recent} />
      </Table.Td>
      <Table.Td style={TOP}>
        <ChannelLastProbe probe={channel.health.last_probe} />
      </Table.Td>
      {actions && (
        <Table.Td style={TOP}>
          <ChannelRowActions channel={channel} actions={actions} />
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** The models served ("every model" when none are listed), and any renaming of them. */
function ModelList({ models, map }: { models: string[]; map: Record<string, string> }) {
  const { t } = useTranslation('admin');
  const renamed = Object.entries(map);
  return (
    <Stack gap={4} align="flex-start" maw={240}>
      {models.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('channels.everyModel')}
        </Text>
      ) : (
        <Group gap={4}>
          {models.map((model) => (
            <Badge key={model} variant="light" color="gray" size="sm" tt="none">
              {model}
            </Badge>
          ))}
        </Group>
      )}
      {renamed.map(([from, to]) => (
        <Text key={from} size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {from} → {to}
        </Text>
      ))}
    </Stack>
  );
}

function ChannelRowActions({ channel, actions }: { channel: ChannelView; actions: ChannelActions }) {
  const { t } = useTranslation('admin');
  // Each button names its channel for screen readers: a table holds many "Edit" buttons.
  const named = (action: string) => t('common.actionOn', { action, name: channel.name });
  const probe = (
    <Button
      size="compact-sm"
      variant="light"
      loading={actions.busy.probing === channel.key}
      onClick={() => actions.onProbe(channel)}
      aria-label={named(t('channels.probe'))}
    >
      {t('channels.probe')}
    </Button>
  );
  // A channel from the environment changes there, not here.
  if (channel.managed_by_env) return <Stack w={110}>{probe}</Stack>;
  return (
    <Stack gap={6} w={110}>
      {probe}
      <Button size="compact-sm" variant="default" onClick={() => actions.onEdit(channel)} aria-label={named(t('channels.edit'))}>
        {t('channels.edit')}
      </Button>
      {channel.enabled ? (
        <Button size="compact-sm" variant="default" onClick={() => actions.onDisable(channel)} aria-label={named(t('channels.disable'))}>
          {t('channels.disable')}
        </Button>
      ) : (
        <Button
          size="compact-sm"
          variant="light"
          color="teal"
          loading={actions.busy.switching === channel.key}
          onClick={() => actions.onEnable(channel)}
          aria-label={named(t('channels.enable'))}
        >
          {t('channels.enable')}
        </Button>
      )}
      <Button size="compact-sm" variant="light" color="red" onClick={() => actions.onDelete(channel)} aria-label={named(t('channels.delete'))}>
        {t('channels.delete')}
      </Button>
    </Stack>
  );
}
