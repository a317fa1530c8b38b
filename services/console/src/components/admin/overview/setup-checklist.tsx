import { Anchor, Badge, Group, List, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { SetupChecklist, SetupTaskId, SetupTaskView } from '../../../hooks/api/admin/setup/types';

/** Where each task is fixed: a console page, or (payments, mail) the gateway's configuration. */
const FIX_PAGE: Record<SetupTaskId, string | null> = {
  paid_package: '/admin/packages',
  catalogue_models: '/admin/channels',
  channel_keys: '/admin/channels',
  payments: null,
  mail: null,
};

/**
 * What a new operator must still do before the first sale, each with the way to fix it.
 * Once everything is done it shrinks to one line.
 */
export function SetupChecklistPanel({ checklist }: { checklist: SetupChecklist }) {
  const { t } = useTranslation('admin');
  if (checklist.done) {
    return (
      <Text size="sm" c="teal" data-testid="setup-checklist-done">
        {t('setup.allDone')}
      </Text>
    );
  }
  const open = checklist.tasks.filter((task) => !task.done);
  return (
    <Paper withBorder p={{ base: 'xs', sm: 'md' }} radius="md" data-testid="setup-checklist" aria-labelledby="setup-checklist-title">
      <Stack gap="xs">
        <Group gap="xs" justify="space-between">
          <Title order={2} size="h4" id="setup-checklist-title">
            {t('setup.title')}
          </Title>
          <Badge color="yellow" variant="light">
            {t('setup.left', { count: open.length })}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('setup.intro')}
        </Text>
        <List spacing="xs" size="sm" icon={<ThemeIcon color="yellow" size={12} radius="xl" />}>
          {open.map((task) => (
            <List.Item key={task.id} data-testid={`setup-task-${task.id}`}>
              <TaskText task={task} />
            </List.Item>
          ))}
        </List>
      </Stack>
    </Paper>
  );
}

function TaskText({ task }: { task: SetupTaskView }) {
  const { t } = useTranslation('admin');
  const page = FIX_PAGE[task.id];
  // The reason picks the sentence; names (packages, models, channels, providers) are the operator's own.
  const message = t(`setup.reasons.${task.id}.${task.reason}` as 'setup.reasons.mail.local_catcher', { items: task.items.join(', ') });
  return (
    <Stack gap={2}>
      <Text size="sm">{message}</Text>
      {page ? (
        <Anchor component={Link} to={page} size="sm" fw={600}>
          {t(`setup.fix.${task.id}`)}
        </Anchor>
      ) : (
        <Text size="xs" c="dimmed">
          {t(`setup.fix.${task.id}`)}
        </Text>
      )}
    </Stack>
  );
}
