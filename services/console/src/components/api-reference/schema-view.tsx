import { Box, Code, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../../hooks/api/api-reference/types';
import { asJson, describeSchema, hasChildren, isAnything, type Rule, type SchemaField, type SchemaShape } from './json-schema';

// A schema nests this deep at most on screen; deeper levels are in the raw JSON Schema.
const MAX_DEPTH = 6;

/** An object's fields, one row each, nested fields indented below their parent. */
export function SchemaFields({ fields, depth = 0 }: { fields: SchemaField[]; depth?: number }) {
  return (
    <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
      {fields.map((field) => (
        <Box component="li" key={field.name}>
          <FieldRow name={<FieldName name={field.name} />} required={field.required} schema={field.schema} depth={depth} />
        </Box>
      ))}
    </Stack>
  );
}

/** A whole schema: a request body or a parameter's, as fields when it is an object. */
export function SchemaView({ schema }: { schema: JsonSchema }) {
  const shape = describeSchema(schema);
  if (shape.fields.length > 0 && shape.variants.length === 0) {
    return (
      <Stack gap="xs">
        <SchemaFields fields={shape.fields} />
        <OtherFields shape={shape} depth={0} />
      </Stack>
    );
  }
  return <FieldRow name={null} required={false} schema={schema} depth={0} />;
}

const FieldName = ({ name }: { name: string }) => (
  <Text component="span" ff="monospace" size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
    {name}
  </Text>
);

const Label = ({ children }: { children: ReactNode }) => (
  <Text component="span" size="sm" fs="italic" c="dimmed">
    {children}
  </Text>
);

function FieldRow({ name, required, schema, depth }: { name: ReactNode; required: boolean; schema: JsonSchema; depth: number }) {
  const { t } = useTranslation('apiReference');
  const shape = describeSchema(schema);
  const nested = depth < MAX_DEPTH && hasChildren(shape);
  return (
    <Stack gap={4}>
      <Group gap={6} wrap="wrap" align="baseline">
        {name}
        {required && (
          <Text component="span" size="xs" c="red.8" fw={600}>
            {t('schema.required')}
          </Text>
        )}
        <TypeLine shape={shape} />
      </Group>
      {shape.description && (
        <Text size="sm" c="dimmed">
          {shape.description}
        </Text>
      )}
      {nested && (
        <Box pl="md" ml={4} style={{ borderLeft: '2px solid var(--mantine-color-default-border)' }}>
          <Children shape={shape} depth={depth + 1} />
        </Box>
      )}
    </Stack>
  );
}

function Children({ shape, depth }: { shape: SchemaShape; depth: number }) {
  const { t } = useTranslation('apiReference');
  if (shape.variants.length > 0) {
    return (
      <Stack gap="xs">
        <Label>{t('schema.oneOf')}</Label>
        {shape.variants.map((variant, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the options have no name; their order is fixed.
          <FieldRow key={i} name={<Label>{t('schema.option', { n: i + 1 })}</Label>} required={false} schema={variant} depth={depth} />
        ))}
      </Stack>
    );
  }
  return (
    <Stack gap="xs">
      {shape.fields.length > 0 && <SchemaFields fields={shape.fields} depth={depth} />}
      {shape.items !== null && <FieldRow name={<Label>{t('schema.eachItem')}</Label>} required={false} schema={shape.items} depth={depth} />}
      <OtherFields shape={shape} depth={depth} />
    </Stack>
  );
}

/** additionalProperties: "other fields are allowed", or a row for the values of any other field. */
function OtherFields({ shape, depth }: { shape: SchemaShape; depth: number }) {
  const { t } = useTranslation('apiReference');
  if (shape.otherFields === null) return null;
  if (isAnything(shape.otherFields)) {
    return shape.fields.length > 0 ? (
      <Text size="sm" c="dimmed">
        {t('schema.otherFieldsAllowed')}
      </Text>
    ) : null;
  }
  const names = shape.keyRules.length > 0 && (
    <Text component="span" size="xs" c="dimmed">
      ({t('schema.fieldNames')}: <Rules rules={shape.keyRules} />)
    </Text>
  );
  return (
    <FieldRow
      name={
        <Group gap={6} component="span">
          <Label>{t('schema.otherField')}</Label>
          {names}
        </Group>
      }
      required={false}
      schema={shape.otherFields}
      depth={depth}
    />
  );
}

/** "string · at most 256 characters · or null", the allowed values and the default. */
function TypeLine({ shape }: { shape: SchemaShape }) {
  const { t } = useTranslation('apiReference');
  const itemShape = shape.items !== null ? describeSchema(shape.items) : null;
  const typeName = (s: SchemaShape) => s.types.join(' | ') || t('schema.any');
  const type =
    shape.types.length === 1 && shape.types[0] === 'array' && itemShape && !hasChildren(itemShape) && itemShape.rules.length === 0 && !itemShape.values
      ? t('schema.arrayOf', { type: typeName(itemShape) })
      : typeName(shape);
  return (
    <>
      {/* Options alone (anyOf) have no type of their own: the rows below show each one's. */}
      {(shape.types.length > 0 || shape.variants.length === 0) && (
        <Text component="span" size="sm" c="blue.8" ff="monospace">
          {type}
        </Text>
      )}
      {shape.nullable && (
        <Text component="span" size="sm" c="dimmed">
          {t('schema.orNull')}
        </Text>
      )}
      {shape.rules.length > 0 && (
        <Text component="span" size="sm" c="dimmed">
          <Rules rules={shape.rules} />
        </Text>
      )}
      {shape.values && shape.values.length > 0 && (
        <Group gap={4} component="span" wrap="wrap">
          <Text component="span" size="sm" c="dimmed">
            {t('schema.values')}
          </Text>
          {shape.values.map((value) => (
            <Code key={asJson(value)}>{asJson(value)}</Code>
          ))}
        </Group>
      )}
      {shape.defaultValue && (
        <Text component="span" size="sm" c="dimmed">
          {t('schema.default')} <Code>{asJson(shape.defaultValue.value)}</Code>
        </Text>
      )}
    </>
  );
}

/** Bounds and formats in words, separated by middle dots; a pattern as code (it may be long: it wraps). */
function Rules({ rules }: { rules: Rule[] }) {
  const { t } = useTranslation('apiReference');
  return rules.map((rule, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: a rule list is fixed for a schema.
    <span key={i}>
      {i > 0 && ' · '}
      {rule.kind === 'known' ? (
        t(`schema.known.${rule.value}`)
      ) : rule.kind === 'pattern' ? (
        <>
          {t('schema.rules.pattern')} <Code style={{ overflowWrap: 'anywhere' }}>{rule.value}</Code>
        </>
      ) : (
        // Lengths and item counts take a plural form; bounds are symbols.
        t(`schema.rules.${rule.kind}`, { value: rule.value, count: rule.value })
      )}
    </span>
  ));
}
