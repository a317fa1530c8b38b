import { Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminOverview, InstanceView } from '../../../hooks/api/admin/overview/types';
import { useFormat } from '../../../lib/format';
import { TableHead } from '../../common/table-head';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;
const STATE_COLOR: Record<InstanceView['state'], string> = { up: 'teal', draining: 'yellow', stale: 'red' };

type Cluster = AdminOverview['cluster'];

/** Each backend instance as its heartbeat reports it, and Postgres and Redis as checked just now. */
export function ClusterState({ cluster }: { cluster: Cluster }) {
  const { t } = useTranslation('admin');
  return (
    <Stack gap="md">
      <Paper withBorder p={{ base: 'xs', sm: 'md' }} radius="md">
        <Title order={3} size="h5" mb="sm">
          {t('overview.instances')}
        </Title>
        <InstancesTable instances={cluster.instances} />
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Paper withBorder p="md" radius="md" data-testid="postgres-state">
          <Title order={3} size="h5" mb="sm">
            {t('overview.postgres')}
          </Title>
          <Stack gap="xs">
            <Check label={t('overview.primary')} ok={cluster.postgres.primary.ok} ms={cluster.postgres.primary.ms} />
            <Check label={t('overview.replica')} ok={cluster.postgres.replica.ok} ms={cluster.postgres.replica.ms} />
            <Row label={t('overview.replicaLag')}>
              {cluster.postgres.replica.lag_seconds === null
                ? t('common.none')
                : t('overview.lagSeconds', { seconds: Math.round(cluster.postgres.replica.lag_seconds * 10) / 10 })}
            </Row>
          </Stack>
        </Paper>
        <Paper withBorder p="md" radius="md" data-testid="redis-state">
          <Title order={3} size="h5" mb="sm">
            {t('overview.redis')}
          </Title>
          <Stack gap="xs">
            <Check label={t('overview.redis')} ok={cluster.redis.ok} ms={cluster.redis.ms} />
            <MemoryRow bytes={cluster.redis.used_memory_bytes} />
          </Stack>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

function MemoryRow({ bytes }: { bytes: number | null }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  return <Row label={t('overview.memory')}>{bytes === null ? t('common.none') : format.bytes(bytes)}</Row>;
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Group justify="space-between" gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={600} ta="right">
        {children}
      </Text>
    </Group>
  );
}

function Check({ label, ok, ms }: { label: string; ok: boolean; ms: number | null }) {
  const { t } = useTranslation('admin');
  return (
    <Row label={label}>
      <Group gap={6} wrap="nowrap" justify="flex-end" component="span">
        <Badge variant="light" color={ok ? 'teal' : 'red'}>
          {ok ? t('overview.ok') : t('overview.down')}
        </Badge>
        <Text span size="xs" c="dimmed" fw={400}>
          {ok && ms !== null ? t('overview.responseMs', { ms }) : !ok ? t('overview.noAnswer') : null}
        </Text>
      </Group>
    </Row>
  );
}

function InstancesTable({ instances }: { instances: InstanceView[] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  if (instances.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('overview.noInstances')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped fz="sm" style={NO_WRAP}>
        <TableHead
          columns={[
            t('overview.columns.instance'),
            t('overview.columns.state'),
            { label: t('overview.columns.workers'), numeric: true },
            t('overview.columns.started'),
            t('overview.columns.lastSeen'),
          ]}
        />
        <Table.Tbody>
          {instances.map((instance) => (
            <Table.Tr key={instance.instance} data-testid="instance-row">
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {instance.instance}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={STATE_COLOR[instance.state]} data-testid="instance-state">
                  {t(`overview.states.${instance.state}`)}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{instance.workers}</Table.Td>
              <Table.Td>{format.dateTime(instance.started_at)}</Table.Td>
              <Table.Td>{format.time(instance.seen_at)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
