import {
  Button,
  CloseButton,
  Group,
  NativeSelect,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateChannel, useUpdateChannel } from '../../../hooks/api/admin/channels/mutations';
import type { ChannelChangeRequest, ChannelKind, ChannelView, CreateChannelRequest } from '../../../hooks/api/admin/channels/types';
import { useFormat } from '../../../lib/format';
import { useRequestSchema, validate } from '../../../lib/form-validation';
import { fieldBounds } from '../../../lib/schema-bounds';
import { FormModal, useEditorState } from '../../common/form-modal';

interface MapRow {
  /** A stable React key while rows are added and removed. */
  key: number;
  from: string;
  to: string;
}

/** The form's values as typed: numbers may be '' (not filled yet). */
interface Values {
  name: string;
  kind: ChannelKind;
  baseUrl: string;
  apiVersion: string;
  /** Write-only: empty keeps the current key when editing. */
  apiKey: string;
  removeKey: boolean;
  priority: number | string;
  weight: number | string;
  models: string[];
  mapRows: MapRow[];
  enabled: boolean;
  notes: string;
}

type Field = 'name' | 'baseUrl' | 'apiVersion' | 'apiKey' | 'priority' | 'weight' | 'models' | 'mapping';

/** The request fields the form's fields fill. */
const FIELD_OF: Record<string, Field> = {
  name: 'name',
  base_url: 'baseUrl',
  api_version: 'apiVersion',
  api_key: 'apiKey',
  priority: 'priority',
  weight: 'weight',
  models: 'models',
  model_map: 'mapping',
};

let nextRowKey = 1;
const row = (from = '', to = ''): MapRow => ({ key: nextRowKey++, from, to });

const blank = (): Values => ({
  name: '',
  kind: 'openai',
  baseUrl: '',
  apiVersion: '',
  apiKey: '',
  removeKey: false,
  priority: 0,
  weight: 1,
  models: [],
  mapRows: [],
  enabled: true,
  notes: '',
});

function valuesOf(channel: ChannelView): Values {
  return {
    name: channel.name,
    kind: channel.kind,
    baseUrl: channel.base_url,
    apiVersion: channel.api_version ?? '',
    apiKey: '',
    removeKey: false,
    priority: channel.priority,
    weight: channel.weight,
    models: channel.models,
    mapRows: Object.entries(channel.model_map).map(([from, to]) => row(from, to)),
    enabled: channel.enabled,
    notes: channel.notes,
  };
}

/**
 * The request body (without the key, which only a change sends; what is not a number yet goes
 * as typed, for the schema to refuse), and whether a mapping row lacks one of its names.
 */
function toSettings(v: Values): { settings: CreateChannelRequest; halfMapped: boolean } {
  const modelMap: Record<string, string> = {};
  let halfMapped = false;
  for (const { from, to } of v.mapRows) {
    const [a, b] = [from.trim(), to.trim()];
    if (a === '' && b === '') continue;
    if (a === '' || b === '') halfMapped = true;
    else modelMap[a] = b;
  }
  const settings = {
    name: v.name.trim(),
    kind: v.kind,
    // As the gateway keeps it: a trailing slash is no change of address.
    base_url: v.baseUrl.trim().replace(/\/+$/, ''),
    // Only Azure takes one: the gateway refuses it for other kinds.
    api_version: v.kind === 'azure' ? v.apiVersion.trim() : null,
    priority: v.priority,
    weight: v.weight,
    models: v.models.map((model) => model.trim()).filter((model) => model !== ''),
    model_map: modelMap,
    enabled: v.enabled,
    notes: v.notes,
  } as CreateChannelRequest;
  return { settings, halfMapped };
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);
const sameMap = (a: Record<string, string>, b: Record<string, string>) =>
  sameList(Object.keys(a).sort(), Object.keys(b).sort()) && Object.entries(a).every(([k, v]) => b[k] === v);

/** Only what changed: the audit log then shows exactly what was edited. */
function changes(before: ChannelView, settings: CreateChannelRequest, v: Values): ChannelChangeRequest {
  const change: ChannelChangeRequest = {};
  if (settings.name !== before.name) change.name = settings.name;
  if (settings.kind !== before.kind) change.kind = settings.kind;
  if (settings.base_url !== before.base_url) change.base_url = settings.base_url;
  if ((settings.api_version ?? null) !== before.api_version) change.api_version = settings.api_version ?? null;
  if (settings.priority !== before.priority) change.priority = settings.priority;
  if (settings.weight !== before.weight) change.weight = settings.weight;
  if (!sameList(settings.models ?? [], before.models)) change.models = settings.models;
  if (!sameMap(settings.model_map ?? {}, before.model_map)) change.model_map = settings.model_map;
  if (settings.enabled !== before.enabled) change.enabled = settings.enabled;
  if (settings.notes !== before.notes) change.notes = settings.notes;
  if (v.removeKey) change.api_key = null;
  else if (v.apiKey.trim() !== '') change.api_key = v.apiKey.trim();
  return change;
}

interface ChannelFormModalProps {
  /** A channel to edit, 'new' to add one, null when closed. */
  editing: ChannelView | 'new' | null;
  /** Names for the models field's suggestions (the catalogue). */
  knownModels: string[];
  onClose: () => void;
}

/** Add or edit a channel; its key is write-only (empty keeps it, or remove it on purpose). */
export function ChannelFormModal({ editing, knownModels, onClose }: ChannelFormModalProps) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  const create = useCreateChannel();
  const update = useUpdateChannel();
  const schema = useRequestSchema('newChannel');
  const { values, setValues, set, invalid, setInvalid, existing, error, pending } = useEditorState<ChannelView, Values, Field>(
    editing,
    blank,
    valuesOf,
    create,
    update,
  );
  const mapLabelId = useId();
  const bounds = (field: string) => fieldBounds(schema, field);
  const range = (field: string) => ({ min: format.number(bounds(field).min ?? 0), max: format.number(bounds(field).max ?? 0) });

  const setRow = (key: number, patch: Partial<MapRow>) =>
    setValues((current) => ({ ...current, mapRows: current.mapRows.map((r) => (r.key === key ? { ...r, ...patch } : r)) }));

  const submit = async () => {
    const { settings, halfMapped } = toSettings(values);
    const key = values.apiKey.trim();
    const checked = await validate('newChannel', { ...settings, ...(key === '' ? {} : { api_key: key }) });
    const marked = new Set([...(checked.invalid ?? [])].map((field) => FIELD_OF[field]).filter((field) => field !== undefined));
    if (halfMapped) marked.add('mapping');
    setInvalid(marked);
    if (!checked.data || marked.size > 0) return;
    if (!existing) {
      create.mutate({ ...settings, ...(key === '' ? {} : { api_key: key }) }, { onSuccess: onClose });
      return;
    }
    const change = changes(existing, settings, values);
    // The gateway refuses to send the stored key to a new address or protocol: it is asked for again.
    if ((change.base_url !== undefined || change.kind !== undefined) && change.api_key === undefined) {
      setInvalid(new Set<Field>(['apiKey']));
      return;
    }
    if (Object.keys(change).length === 0) onClose();
    else update.mutate({ key: existing.key, change }, { onSuccess: onClose });
  };

  const azure = values.kind === 'azure';
  let keyHint = t('channels.hints.apiKeyNew');
  if (existing) keyHint = existing.api_key_hint ? t('channels.hints.apiKeyKeep', { hint: existing.api_key_hint }) : t('channels.hints.apiKeyNone');
  let keyError: string | undefined;
  if (invalid.has('apiKey')) keyError = values.apiKey.trim() === '' ? t('channels.validation.apiKeyMoved') : t('channels.validation.apiKey');
  return (
    <FormModal
      opened={editing !== null}
      onClose={onClose}
      onSubmit={() => void submit()}
      title={existing ? t('channels.editTitle', { name: existing.name }) : t('channels.createTitle')}
      submitLabel={t('channels.save')}
      pending={pending}
      error={error}
      size="lg"
    >
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <TextInput
          label={t('channels.fields.name')}
          description={t('channels.hints.name')}
          required
          value={values.name}
          onChange={(event) => set('name', event.currentTarget.value)}
          error={invalid.has('name') ? t('channels.validation.name') : undefined}
        />
        <NativeSelect
          label={t('channels.fields.kind')}
          value={values.kind}
          onChange={(event) => set('kind', event.currentTarget.value as ChannelKind)}
          data={(bounds('kind').options ?? [values.kind]).map((kind) => ({ value: kind, label: t(`channels.kinds.${kind as ChannelKind}`) }))}
        />
      </SimpleGrid>
      <TextInput
        label={t('channels.fields.baseUrl')}
        description={
          azure ? t('channels.hints.azureBaseUrl') : values.kind === 'anthropic' ? t('channels.hints.anthropicBaseUrl') : t('channels.hints.baseUrl')
        }
        required
        type="url"
        inputMode="url"
        spellCheck={false}
        value={values.baseUrl}
        onChange={(event) => set('baseUrl', event.currentTarget.value)}
        error={invalid.has('baseUrl') ? t('channels.validation.baseUrl') : undefined}
      />
      {azure && (
        <TextInput
          label={t('channels.fields.apiVersion')}
          description={t('channels.hints.apiVersion')}
          required
          spellCheck={false}
          error={invalid.has('apiVersion') ? t('channels.validation.apiVersion') : undefined}
          value={values.apiVersion}
          onChange={(event) => set('apiVersion', event.currentTarget.value)}
        />
      )}
      <PasswordInput
        label={t('channels.fields.apiKey')}
        description={keyHint}
        autoComplete="new-password"
        disabled={values.removeKey}
        value={values.apiKey}
        onChange={(event) => set('apiKey', event.currentTarget.value)}
        error={keyError}
        visibilityToggleButtonProps={{ 'aria-label': tMain('common.toggleVisibility') }}
      />
      {existing?.api_key_hint && (
        <Switch
          label={t('channels.fields.removeKey')}
          description={t('channels.hints.removeKey')}
          color="red"
          checked={values.removeKey}
          onChange={(event) => set('removeKey', event.currentTarget.checked)}
        />
      )}
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <NumberInput
          label={t('channels.fields.priority')}
          description={t('channels.hints.priority')}
          required
          min={bounds('priority').min}
          max={bounds('priority').max}
          allowDecimal={false}
          value={values.priority}
          onChange={(value) => set('priority', value)}
          error={invalid.has('priority') ? t('channels.validation.priority', range('priority')) : undefined}
        />
        <NumberInput
          label={t('channels.fields.weight')}
          description={t('channels.hints.weight')}
          required
          min={bounds('weight').min}
          max={bounds('weight').max}
          allowDecimal={false}
          allowNegative={false}
          value={values.weight}
          onChange={(value) => set('weight', value)}
          error={invalid.has('weight') ? t('channels.validation.weight', range('weight')) : undefined}
        />
      </SimpleGrid>
      <TagsInput
        label={t('channels.fields.models')}
        description={t('channels.hints.models')}
        data={knownModels.filter((name) => !name.endsWith('*'))}
        value={values.models}
        onChange={(models) => set('models', models)}
        clearable
        splitChars={[',', ' ']}
        error={invalid.has('models') ? t('common.validation.modelNames') : undefined}
        comboboxProps={{ withinPortal: true }}
      />
      <Stack gap={6} role="group" aria-labelledby={mapLabelId}>
        <div>
          <Text size="sm" fw={500} id={mapLabelId}>
            {t('channels.fields.modelMap')}
          </Text>
          <Text size="xs" c="dimmed">
            {t('channels.hints.modelMap')}
          </Text>
        </div>
        {values.mapRows.map((r, index) => (
          <Group key={r.key} gap={6} wrap="nowrap" align="center">
            <TextInput
              aria-label={`${t('channels.fields.mapFrom')} ${index + 1}`}
              placeholder={t('channels.fields.mapFrom')}
              spellCheck={false}
              value={r.from}
              onChange={(event) => setRow(r.key, { from: event.currentTarget.value })}
              style={{ flex: 1, minWidth: 0 }}
            />
            <Text c="dimmed" aria-hidden>
              →
            </Text>
            <TextInput
              aria-label={`${t('channels.fields.mapTo')} ${index + 1}`}
              placeholder={t('channels.fields.mapTo')}
              spellCheck={false}
              value={r.to}
              onChange={(event) => setRow(r.key, { to: event.currentTarget.value })}
              style={{ flex: 1, minWidth: 0 }}
            />
            <CloseButton
              aria-label={t('channels.fields.removeMapping', { from: r.from.trim() || index + 1 })}
              onClick={() =>
                set(
                  'mapRows',
                  values.mapRows.filter((other) => other.key !== r.key),
                )
              }
            />
          </Group>
        ))}
        {invalid.has('mapping') && (
          <Text size="xs" c="red.7" role="alert">
            {t('channels.validation.mapping')}
          </Text>
        )}
        <Group>
          <Button variant="subtle" size="compact-sm" onClick={() => set('mapRows', [...values.mapRows, row()])}>
            + {t('channels.fields.addMapping')}
          </Button>
        </Group>
      </Stack>
      <Textarea
        label={t('channels.fields.notes')}
        maxLength={bounds('notes').maxLength}
        autosize
        minRows={1}
        maxRows={4}
        value={values.notes}
        onChange={(event) => set('notes', event.currentTarget.value)}
      />
      <Switch label={t('channels.fields.enabled')} checked={values.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} />
    </FormModal>
  );
}
