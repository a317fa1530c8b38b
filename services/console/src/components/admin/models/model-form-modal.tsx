import { Button, Group, Modal, NumberInput, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateModel, useUpdateModel } from '../../../hooks/api/admin/models/mutations';
import type { CreateModelRequest, ModelChangeRequest, ModelView } from '../../../hooks/api/admin/models/types';
import { ApiErrorAlert } from '../../common/api-error-alert';

/** The form's values as typed: prices may be '' (cached input: the same as input). */
interface Values {
  name: string;
  input: number | string;
  cachedInput: number | string;
  output: number | string;
  /** '': no ceiling of its own (the gateway's estimate is reserved). */
  maxOutput: number | string;
  enabled: boolean;
  notes: string;
}

type Field = 'name' | 'input' | 'cachedInput' | 'output' | 'maxOutput';

/** The names the catalogue takes (services/backend/migrations: models.name). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}\*?$/;

const BLANK: Values = { name: '', input: '', cachedInput: '', output: '', maxOutput: '', enabled: true, notes: '' };

function valuesOf(model: ModelView): Values {
  return {
    name: model.name,
    input: model.input_price,
    cachedInput: model.cached_input_price ?? '',
    output: model.output_price,
    maxOutput: model.max_output_tokens ?? '',
    enabled: model.enabled,
    notes: model.notes,
  };
}

function toEntry(v: Values): { entry: CreateModelRequest; invalid: null } | { entry: null; invalid: Set<Field> } {
  const invalid = new Set<Field>();
  const price = (field: Field, value: number | string) => {
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
    invalid.add(field);
    return 0;
  };
  const tokens = (value: number | string) => {
    if (value === '') return null;
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1_000_000) return value;
    invalid.add('maxOutput');
    return null;
  };
  const name = v.name.trim();
  if (!NAME.test(name)) invalid.add('name');
  const entry: CreateModelRequest = {
    name,
    input_price: price('input', v.input),
    cached_input_price: v.cachedInput === '' ? null : price('cachedInput', v.cachedInput),
    output_price: price('output', v.output),
    max_output_tokens: tokens(v.maxOutput),
    enabled: v.enabled,
    notes: v.notes,
  };
  return invalid.size > 0 ? { entry: null, invalid } : { entry, invalid: null };
}

/** Only what changed: the audit log then shows exactly what was edited. */
function changes(before: ModelView, entry: CreateModelRequest): ModelChangeRequest {
  const change: ModelChangeRequest = {};
  if (entry.input_price !== before.input_price) change.input_price = entry.input_price;
  if ((entry.cached_input_price ?? null) !== before.cached_input_price) change.cached_input_price = entry.cached_input_price ?? null;
  if (entry.output_price !== before.output_price) change.output_price = entry.output_price;
  if ((entry.max_output_tokens ?? null) !== before.max_output_tokens) change.max_output_tokens = entry.max_output_tokens ?? null;
  if (entry.enabled !== before.enabled) change.enabled = entry.enabled;
  if (entry.notes !== before.notes) change.notes = entry.notes;
  return change;
}

interface ModelFormModalProps {
  /** An entry to edit, 'new' to add one, null when closed. */
  editing: ModelView | 'new' | null;
  onClose: () => void;
}

/** Add or edit a catalogue entry: its prices per million tokens, whether it is offered, notes. */
export function ModelFormModal({ editing, onClose }: ModelFormModalProps) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const create = useCreateModel();
  const update = useUpdateModel();
  const [values, setValues] = useState<Values>(BLANK);
  const [invalid, setInvalid] = useState(new Set<Field>());
  const existing = editing !== null && editing !== 'new' ? editing : null;
  const resetCreate = create.reset;
  const resetUpdate = update.reset;

  useEffect(() => {
    if (editing === null) return;
    setValues(editing === 'new' ? BLANK : valuesOf(editing));
    setInvalid(new Set());
    resetCreate();
    resetUpdate();
  }, [editing, resetCreate, resetUpdate]);

  const set = <K extends keyof Values>(field: K, value: Values[K]) => setValues((current) => ({ ...current, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = toEntry(existing ? { ...values, name: existing.name } : values);
    setInvalid(checked.invalid ?? new Set());
    if (!checked.entry) return;
    if (!existing) {
      create.mutate(checked.entry, { onSuccess: onClose });
      return;
    }
    const change = changes(existing, checked.entry);
    if (Object.keys(change).length === 0) onClose();
    else update.mutate({ name: existing.name, change }, { onSuccess: onClose });
  };

  const priceInput = (field: 'input' | 'cachedInput' | 'output', required: boolean) => (
    <NumberInput
      label={t(`models.fields.${field}`)}
      description={field === 'cachedInput' ? t('models.hints.cachedInput') : t('models.hints.price')}
      required={required}
      min={0}
      allowNegative={false}
      decimalScale={6}
      prefix="$"
      value={values[field]}
      onChange={(value) => set(field, value)}
      error={invalid.has(field) ? t('models.validation.price') : undefined}
    />
  );

  const error = create.error ?? update.error;
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={existing ? t('models.editTitle', { name: existing.name }) : t('models.createTitle')}
      closeButtonProps={{ 'aria-label': tMain('common.close') }}
      size="lg"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('models.fields.name')}
            description={existing ? t('models.hints.nameFixed') : t('models.hints.name')}
            required
            readOnly={existing !== null}
            maxLength={129}
            spellCheck={false}
            ff="monospace"
            value={values.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={invalid.has('name') ? t('models.validation.name') : undefined}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            {priceInput('input', true)}
            {priceInput('cachedInput', false)}
            {priceInput('output', true)}
          </SimpleGrid>
          <NumberInput
            label={t('models.fields.maxOutput')}
            description={t('models.hints.maxOutput')}
            min={1}
            max={1_000_000}
            allowNegative={false}
            allowDecimal={false}
            thousandSeparator=","
            value={values.maxOutput}
            onChange={(value) => set('maxOutput', value)}
            error={invalid.has('maxOutput') ? t('models.validation.maxOutput') : undefined}
          />
          <Textarea
            label={t('models.fields.notes')}
            maxLength={2000}
            autosize
            minRows={1}
            maxRows={4}
            value={values.notes}
            onChange={(event) => set('notes', event.currentTarget.value)}
          />
          <Switch label={t('models.fields.enabled')} checked={values.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} />
          {error ? <ApiErrorAlert error={error} /> : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              {tMain('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {t('models.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
