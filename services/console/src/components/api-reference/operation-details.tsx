import { rolesWith } from '@codex-gateway/backend/staff-roles';
import { Badge, Button, Code, Collapse, Group, Stack, Text, Title } from '@mantine/core';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../../hooks/api/api-reference/types';
import { type ApiOperation, isAdminPermission } from './operations';
import { SchemaFields, SchemaView } from './schema-view';

/** An operation's panel: who may call it, its path and query parameters, its body and its answers. */
export function OperationDetails({ op }: { op: ApiOperation }) {
  const { t } = useTranslation('apiReference');
  const pathParameters = op.parameters.filter((p) => p.in === 'path');
  const queryParameters = op.parameters.filter((p) => p.in === 'query');
  const asFields = (params: typeof op.parameters) => params.map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? true }));

  return (
    <Stack gap="md" pt="xs">
      <Section title={t('whoMayCall')}>
        <Group gap="xs" wrap="wrap">
          <AudienceBadge permission={op.permission} />
          {op.permission && <Code>{op.permission}</Code>}
        </Group>
        {op.access && <Text size="sm">{op.access}</Text>}
      </Section>
      {pathParameters.length > 0 && (
        <Section title={t('pathParameters')}>
          <SchemaFields fields={asFields(pathParameters)} />
        </Section>
      )}
      {queryParameters.length > 0 && (
        <Section title={t('queryParameters')}>
          <SchemaFields fields={asFields(queryParameters)} />
        </Section>
      )}
      {op.body && (
        <Section
          title={t('requestBody')}
          aside={
            <Text component="span" size="xs" c="dimmed">
              {op.body.mediaType}
              {!op.body.required && ` · ${t('bodyOptional')}`}
            </Text>
          }
        >
          <SchemaView schema={op.body.schema} />
          <RawSchema schema={op.body.schema} />
        </Section>
      )}
      {op.parameters.length === 0 && !op.body && (
        <Text size="sm" c="dimmed">
          {t('noInput')}
        </Text>
      )}
      <Section title={t('answers')}>
        {op.answers.map((answer) => (
          <Group key={answer.status} gap="xs" wrap="wrap">
            <Badge color="teal" variant="light">
              {answer.status}
            </Badge>
            {answer.mediaTypes.map((type) => (
              <Code key={type}>{type}</Code>
            ))}
          </Group>
        ))}
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
          {t('errors')}
        </Text>
      </Section>
    </Stack>
  );
}

function Section({ title, aside, children }: { title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Group gap="xs" align="baseline">
        <Title order={5} component="p">
          {title}
        </Title>
        {aside}
      </Group>
      {children}
    </Stack>
  );
}

/** Who may call it, in the reader's language: from x-permission and the role table the server uses too. */
function AudienceBadge({ permission }: { permission: string | null }) {
  const { t } = useTranslation('apiReference');
  if (permission === 'anyone' || permission === 'signed_in' || permission === 'api_key') {
    const color = { anyone: 'gray', signed_in: 'blue', api_key: 'grape' }[permission];
    return (
      <Badge color={color} variant="light" tt="none">
        {t(`audience.${permission}`)}
      </Badge>
    );
  }
  if (!isAdminPermission(permission)) return null;
  const roles = rolesWith(permission)
    .map((role) => t(`roles.${role}`))
    .join(', ');
  return (
    <Badge color="orange" variant="light" tt="none">
      {t('audience.staff', { roles })}
    </Badge>
  );
}

/** The body's JSON Schema as the description has it, folded away until asked for. */
function RawSchema({ schema }: { schema: JsonSchema }) {
  const { t } = useTranslation('apiReference');
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <Stack gap={4} align="flex-start">
      <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls={id}>
        {open ? t('hideSchema') : t('showSchema')}
      </Button>
      <Collapse expanded={open} id={id} w="100%" keepMounted={false}>
        <Code block style={{ maxHeight: '24rem', overflow: 'auto', whiteSpace: 'pre' }}>
          {JSON.stringify(schema, null, 2)}
        </Code>
      </Collapse>
    </Stack>
  );
}
