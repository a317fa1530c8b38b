import { NumberInput, SimpleGrid, Switch, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCreateModel, useUpdateModel } from '../../../hooks/api/admin/models/mutations';
import type { CreateModelRequest, ModelChangeRequest, ModelView } from '../../../hooks/api/admin/models/types';
import { useFormat } from '../../../lib/format';
import { useRequestSchema, validate } from '../../../lib/form-validation';
import { fieldBounds } from '../../../lib/schema-bounds';
import { FormModal, useEditorState } from '../../common/form-modal';

/** The form's values as typed: prices may be '' (cached input: the same as input). */
interface Values {
  name: string;
  input: number | string;
  cachedInput: number | string;
  /** '': a prompt-cache write costs the input price. */
  cacheWrite: number | string;
  output: number | string;
  /** One "size/quality = dollars" a line ('' lines skipped); empty: not sold by the image. */
  imagePrices: string;
  /** '': not sold by the second (or the character). */
  audioSecond: number | string;
  character: number | string;
  /** '': no ceiling of its own (the gateway's estimate is reserved). */
  maxOutput: number | string;
  enabled: boolean;
  notes: string;
}

type Field = 'name' | 'input' | 'cachedInput' | 'cacheWrite' | 'output' | 'imagePrices' | 'audioSecond' | 'character' | 'maxOutput';

/** The request fields the form's fields fill. */
const FIELD_OF: Record<string, Field> = {
  name: 'name',
  input_price: 'input',
  cached_input_price: 'cachedInput',
  cache_write_price: 'cacheWrite',
  output_price: 'output',
  image_prices: 'imagePrices',
  audio_second_price: 'audioSecond',
  character_price: 'character',
  max_output_tokens: 'maxOutput',
};

/** "1024x1024/hd = 0.08" lines as the API's record; a line that is not "variant = number" keeps its text, for the schema to refuse. */
export function parseImagePrices(text: string): Record<string, number | string> {
  const prices: Record<string, number | string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [variant = '', price = ''] = line.split('=').map((part) => part.trim());
    prices[variant] = price !== '' && Number.isFinite(Number(price)) ? Number(price) : price;
  }
  return prices;
}

const imagePricesText = (prices: Record<string, number>) =>
  Object.entries(prices)
    .map(([variant, price]) => `${variant} = ${price}`)
    .join('\n');

const blank = (): Values => ({
  name: '',
  input: '',
  cachedInput: '',
  cacheWrite: '',
  output: '',
  imagePrices: '',
  audioSecond: '',
  character: '',
  maxOutput: '',
  enabled: true,
  notes: '',
});

function valuesOf(model: ModelView): Values {
  return {
    name: model.name,
    input: model.input_price,
    cachedInput: model.cached_input_price ?? '',
    cacheWrite: model.cache_write_price ?? '',
    output: model.output_price,
    imagePrices: imagePricesText(model.image_prices),
    audioSecond: model.audio_second_price ?? '',
    character: model.character_price ?? '',
    maxOutput: model.max_output_tokens ?? '',
    enabled: model.enabled,
    notes: model.notes,
  };
}

/** The entry as the gateway takes it; what is not a number yet goes as typed, for the schema to refuse. */
function toEntry(v: Values) {
  return {
    name: v.name.trim(),
    input_price: v.input,
    cached_input_price: v.cachedInput === '' ? null : v.cachedInput,
    cache_write_price: v.cacheWrite === '' ? null : v.cacheWrite,
    output_price: v.output,
    image_prices: parseImagePrices(v.imagePrices),
    audio_second_price: v.audioSecond === '' ? null : v.audioSecond,
    character_price: v.character === '' ? null : v.character,
    max_output_tokens: v.maxOutput === '' ? null : v.maxOutput,
    enabled: v.enabled,
    notes: v.notes,
  } as CreateModelRequest;
}

/** Only what changed: the audit log then shows exactly what was edited. */
function changes(before: ModelView, entry: CreateModelRequest): ModelChangeRequest {
  const change: ModelChangeRequest = {};
  if (entry.input_price !== before.input_price) change.input_price = entry.input_price;
  if ((entry.cached_input_price ?? null) !== before.cached_input_price) change.cached_input_price = entry.cached_input_price ?? null;
  if ((entry.cache_write_price ?? null) !== before.cache_write_price) change.cache_write_price = entry.cache_write_price ?? null;
  if (entry.output_price !== before.output_price) change.output_price = entry.output_price;
  if (JSON.stringify(entry.image_prices ?? {}) !== JSON.stringify(before.image_prices)) change.image_prices = entry.image_prices ?? {};
  if ((entry.audio_second_price ?? null) !== before.audio_second_price) change.audio_second_price = entry.audio_second_price ?? null;
  if ((entry.character_price ?? null) !== before.character_price) change.character_price = entry.character_price ?? null;
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
  const format = useFormat();
  const create = useCreateModel();
  const update = useUpdateModel();
  const schema = useRequestSchema('newModel');
  const { values, set, invalid, setInvalid, existing, error, pending } = useEditorState<ModelView, Values, Field>(editing, blank, valuesOf, create, update);
  const maxOutput = fieldBounds(schema, 'max_output_tokens');
  const notes = fieldBounds(schema, 'notes');

  const submit = async () => {
    const entry = toEntry(existing ? { ...values, name: existing.name } : values);
    const checked = await validate('newModel', entry);
    setInvalid(new Set([...(checked.invalid ?? [])].map((field) => FIELD_OF[field]).filter((field) => field !== undefined)));
    if (!checked.data) return;
    if (!existing) {
      create.mutate(entry, { onSuccess: onClose });
      return;
    }
    const change = changes(existing, entry);
    if (Object.keys(change).length === 0) onClose();
    else update.mutate({ name: existing.name, change }, { onSuccess: onClose });
  };

  const priceInput = (field: 'input' | 'cachedInput' | 'cacheWrite' | 'output' | 'audioSecond' | 'character', required: boolean) => (
    <NumberInput
      label={t(`models.fields.${field}`)}
      description={field === 'input' || field === 'output' ? t('models.hints.price') : t(`models.hints.${field}`)}
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

  return (
    <FormModal
      opened={editing !== null}
      onClose={onClose}
      onSubmit={() => void submit()}
      title={existing ? t('models.editTitle', { name: existing.name }) : t('models.createTitle')}
      submitLabel={t('models.save')}
      pending={pending}
      error={error}
      size="lg"
    >
      <TextInput
        label={t('models.fields.name')}
        description={existing ? t('models.hints.nameFixed') : t('models.hints.name')}
        required
        readOnly={existing !== null}
        spellCheck={false}
        ff="monospace"
        value={values.name}
        onChange={(event) => set('name', event.currentTarget.value)}
        error={invalid.has('name') ? t('models.validation.name') : undefined}
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {priceInput('input', true)}
        {priceInput('output', true)}
        {priceInput('cachedInput', false)}
        {priceInput('cacheWrite', false)}
        {priceInput('audioSecond', false)}
        {priceInput('character', false)}
      </SimpleGrid>
      <Textarea
        label={t('models.fields.imagePrices')}
        description={t('models.hints.imagePrices')}
        autosize
        minRows={1}
        maxRows={8}
        spellCheck={false}
        ff="monospace"
        value={values.imagePrices}
        onChange={(event) => set('imagePrices', event.currentTarget.value)}
        error={invalid.has('imagePrices') ? t('models.validation.imagePrices') : undefined}
      />
      <NumberInput
        label={t('models.fields.maxOutput')}
        description={t('models.hints.maxOutput')}
        min={maxOutput.min}
        max={maxOutput.max}
        allowNegative={false}
        allowDecimal={false}
        thousandSeparator=","
        value={values.maxOutput}
        onChange={(value) => set('maxOutput', value)}
        error={
          invalid.has('maxOutput')
            ? t('models.validation.maxOutput', { min: format.number(maxOutput.min ?? 0), max: format.number(maxOutput.max ?? 0) })
            : undefined
        }
      />
      <Textarea
        label={t('models.fields.notes')}
        maxLength={notes.maxLength}
        autosize
        minRows={1}
        maxRows={4}
        value={values.notes}
        onChange={(event) => set('notes', event.currentTarget.value)}
      />
      <Switch label={t('models.fields.enabled')} checked={values.enabled} onChange={(event) => set('enabled', event.currentTarget.checked)} />
    </FormModal>
  );
}
