import type { StaffRole } from '@codex-gateway/backend/staff-roles';
import { Accordion, Badge, Group, Highlight, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HttpMethod } from '../../hooks/api/api-reference/types';
import { OperationDetails } from './operation-details';
import { type ApiOperation, type PathGroup, roleMayCall, type TagGroup } from './operations';

const METHOD_COLORS: Record<HttpMethod, string> = { get: 'blue', post: 'green', put: 'orange', patch: 'yellow', delete: 'red' };

interface TagSectionProps {
  group: TagGroup;
  /** The filter's words, marked where they occur. */
  highlight: string[];
  /** The staff role of the reader (null: a customer). */
  role: StaffRole | null;
  /** The operation a link (#operationId) opened. */
  opened: string | null;
}

/** One API (an OpenAPI tag): its paths, each with its operations. */
export function TagSection({ group, highlight, role, opened }: TagSectionProps) {
  const headingId = `tag-${group.name.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <Stack component="section" aria-labelledby={headingId} gap="sm">
      <Stack gap={2}>
        <Title order={2} size="h3" id={headingId}>
          {group.name}
        </Title>
        {group.description && (
          <Text size="sm" c="dimmed">
            {group.description}
          </Text>
        )}
      </Stack>
      {group.paths.map((path) => (
        <PathCard key={path.path} path={path} highlight={highlight} role={role} opened={opened} />
      ))}
    </Stack>
  );
}

function PathCard({ path, highlight, role, opened }: { path: PathGroup; highlight: string[]; role: StaffRole | null; opened: string | null }) {
  const open = path.operations.filter((op) => op.id === opened).map((op) => op.id);
  return (
    <Paper withBorder radius="md">
      <Title order={3} size="sm" px="md" pt="sm" pb={4} ff="monospace" fw={600} style={{ overflowWrap: 'anywhere' }}>
        <Highlight component="span" inherit highlight={highlight}>
          {path.path}
        </Highlight>
      </Title>
      <Accordion multiple defaultValue={open} keepMounted={false} order={4} chevronPosition="right">
        {path.operations.map((op) => (
          <OperationItem key={op.method} op={op} highlight={highlight} role={role} />
        ))}
      </Accordion>
    </Paper>
  );
}

function OperationItem({ op, highlight, role }: { op: ApiOperation; highlight: string[]; role: StaffRole | null }) {
  const { t } = useTranslation('apiReference');
  return (
    <Accordion.Item value={op.id} id={op.id} style={{ borderBottom: 0, borderTop: '1px solid var(--mantine-color-default-border)' }}>
      <Accordion.Control>
        <Group gap="sm" wrap="nowrap" align="center">
          <MethodBadge method={op.method} />
          {/* The path is the card's heading; a control's name says it too, for screen readers and tests. */}
          <VisuallyHidden>{op.path}</VisuallyHidden>
          <Highlight size="sm" highlight={highlight} style={{ flex: 1, minWidth: 0 }}>
            {op.summary}
          </Highlight>
          {role && !roleMayCall(role, op) && (
            <Badge color="gray" variant="outline" size="sm">
              {t('notForYourRole')}
            </Badge>
          )}
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <OperationDetails op={op} />
      </Accordion.Panel>
    </Accordion.Item>
  );
}

export function MethodBadge({ method }: { method: HttpMethod }) {
  return (
    <Badge color={METHOD_COLORS[method]} variant="filled" autoContrast radius="sm" w={64} ff="monospace" style={{ flexShrink: 0 }}>
      {method.toUpperCase()}
    </Badge>
  );
}
