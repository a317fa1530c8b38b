import { Alert, Fieldset, NumberInput, SimpleGrid, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useModels } from '../../../hooks/api/admin/models/queries';
import { useCreatePackage, useUpdatePackage } from '../../../hooks/api/admin/packages/mutations';
import type { AdminPackageView, CreatePackageRequest, PackageChangeRequest } from '../../../hooks/api/admin/packages/types';
import { currencyDigits, useFormat } from '../../../lib/format';
import { useRequestSchema, validate } from '../../../lib/form-validation';
import { fieldBounds } from '../../../lib/schema-bounds';
import { FormModal, useEditorState } from '../../common/form-modal';

/** The form's values as typed: numbers may be '' (empty: unlimited, or not yet filled). */
interface Values {
  name: string;
  description: string;
  price: number | string;
  currency: string;
  dailyRequests: number | string;
  dailyTokens: number | string;
  dailyCredits: number | string;
  fiveHourRequests: number | string;
  fiveHourTokens: number | string;
  fiveHourCredits: number | string;
  weeklyRequests: number | string;
  weeklyTokens: number | string;
  weeklyCredits: number | string;
  rpm: number | string;
  streams: number | string;
  /** Empty: every model the catalogue offers. */
  models: string[];
  duration: number | string;
  onSale: boolean;
}

const blank = (): Values => ({
  name: '',
  description: '',
  price: '',
  currency: 'USD',
  dailyRequests: '',
  dailyTokens: '',
  dailyCredits: '',
  fiveHourRequests: '',
  fiveHourTokens: '',
  fiveHourCredits: '',
  weeklyRequests: '',
  weeklyTokens: '',
  weeklyCredits: '',
  rpm: '',
  streams: '',
  models: [],
  duration: 30,
  onSale: true,
});

function valuesOf(pkg: AdminPackageView): Values {
  const limit = (value: number | null) => (value === null ? '' : value);
  return {
    name: pkg.name,
    description: pkg.description,
    price: pkg.price_cents / 10 ** currencyDigits(pkg.currency),
    currency: pkg.currency,
    dailyRequests: limit(pkg.daily_request_limit),
    dailyTokens: limit(pkg.daily_token_limit),
    dailyCredits: limit(pkg.daily_credit_limit),
    fiveHourRequests: limit(pkg.five_hour_request_limit),
    fiveHourTokens: limit(pkg.five_hour_token_limit),
    fiveHourCredits: limit(pkg.five_hour_credit_limit),
    weeklyRequests: limit(pkg.weekly_request_limit),
    weeklyTokens: limit(pkg.weekly_token_limit),
    weeklyCredits: limit(pkg.weekly_credit_limit),
    rpm: limit(pkg.rpm_limit),
    streams: limit(pkg.max_concurrent_streams),
    models: pkg.models,
    duration: pkg.duration_days,
    onSale: pkg.status === 'active',
  };
}

type CountField = 'dailyRequests' | 'dailyTokens' | 'fiveHourRequests' | 'fiveHourTokens' | 'weeklyRequests' | 'weeklyTokens' | 'rpm' | 'streams';
type CreditField = 'dailyCredits' | 'fiveHourCredits' | 'weeklyCredits';
type Field = 'name' | 'currency' | 'price' | 'duration' | 'models' | CountField | CreditField;

/** The plan terms that are simple values (the models list is compared apart). */
const LIMIT_KEYS = [
  'daily_request_limit',
  'daily_token_limit',
  'daily_credit_limit',
  'five_hour_request_limit',
  'five_hour_token_limit',
  'five_hour_credit_limit',
  'weekly_request_limit',
  'weekly_token_limit',
  'weekly_credit_limit',
  'rpm_limit',
  'max_concurrent_streams',
] as const;

/** The request fields the form's fields fill. */
const FIELD_OF: Record<string, Field> = {
  name: 'name',
  currency: 'currency',
  price_cents: 'price',
  duration_days: 'duration',
  daily_request_limit: 'dailyRequests',
  daily_token_limit: 'dailyTokens',
  daily_credit_limit: 'dailyCredits',
  five_hour_request_limit: 'fiveHourRequests',
  five_hour_token_limit: 'fiveHourTokens',
  five_hour_credit_limit: 'fiveHourCredits',
  weekly_request_limit: 'weeklyRequests',
  weekly_token_limit: 'weeklyTokens',
  weekly_credit_limit: 'weeklyCredits',
  rpm_limit: 'rpm',
  max_concurrent_streams: 'streams',
  models: 'models',
};

/** The request body; what is not a number yet goes as typed, for the schema to refuse. */
function toTerms(v: Values): CreatePackageRequest {
  const limit = (value: number | string) => (value === '' ? null : value);
  // Dollars; the gateway keeps micro-dollars, so more than 6 decimals would be rounded away anyway.
  const credit = (value: number | string) => (typeof value === 'number' ? Math.round(value * 1e6) / 1e6 : limit(value));
  const currency = v.currency.trim().toUpperCase();
  const digits = /^[A-Z]{3}$/.test(currency) ? currencyDigits(currency) : 2;
  return {
    name: v.name.trim(),
    description: v.description,
    price_cents: typeof v.price === 'number' ? Math.round(v.price * 10 ** digits) : v.price,
    currency,
    daily_request_limit: limit(v.dailyRequests),
    daily_token_limit: limit(v.dailyTokens),
    daily_credit_limit: credit(v.dailyCredits),
    five_hour_request_limit: limit(v.fiveHourRequests),
    five_hour_token_limit: limit(v.fiveHourTokens),
    five_hour_credit_limit: credit(v.fiveHourCredits),
    weekly_request_limit: limit(v.weeklyRequests),
    weekly_token_limit: limit(v.weeklyTokens),
    weekly_credit_limit: credit(v.weeklyCredits),
    rpm_limit: limit(v.rpm),
    max_concurrent_streams: limit(v.streams),
    models: v.models.map((model) => model.trim()).filter((model) => model !== ''),
    duration_days: v.duration,
  } as CreatePackageRequest;
}

/** Only what changed: the audit log then shows exactly what was edited. */
function changes(before: AdminPackageView, terms: CreatePackageRequest, onSale: boolean): PackageChangeRequest {
  const change: PackageChangeRequest = {};
  if (terms.name !== before.name) change.name = terms.name;
  if (terms.description !== before.description) change.description = terms.description;
  if (terms.price_cents !== before.price_cents) change.price_cents = terms.price_cents;
  if (terms.currency !== before.currency) change.currency = terms.currency;
  for (const key of LIMIT_KEYS) {
    if ((terms[key] ?? null) !== before[key]) change[key] = terms[key] ?? null;
  }
  const models = terms.models ?? [];
  if (models.length !== before.models.length || models.some((model, i) => model !== before.models[i])) change.models = models;
  if (terms.duration_days !== before.duration_days) change.duration_days = terms.duration_days;
  if (onSale !== (before.status === 'active')) change.on_sale = onSale;
  return change;
}

interface PackageFormModalProps {
  /** A package to edit, 'new' to create one, null when closed. */
  editing: AdminPackageView | 'new' | null;
  onClose: () => void;
}

/** Create or edit a package: name, description, price, limits, duration and (when editing) sale. */
export function PackageFormModal({ editing, onClose }: PackageFormModalProps) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const create = useCreatePackage();
  const update = useUpdatePackage();
  const models = useModels();
  const schema = useRequestSchema('newPackage');
  const { values, set, invalid, setInvalid, existing, error, pending } = useEditorState<AdminPackageView, Values, Field>(
    editing,
    blank,
    valuesOf,
    create,
    update,
  );
  const digits = /^[A-Za-z]{3}$/.test(values.currency) ? currencyDigits(values.currency) : 2;
  const bounds = (field: string) => fieldBounds(schema, field);
  const range = (field: string) => {
    const { min, max, minLength, maxLength } = bounds(field);
    return { min: format.number(min ?? minLength ?? 0), max: format.number(max ?? maxLength ?? 0) };
  };

  const submit = async () => {
    const terms = toTerms(values);
    const checked = await validate('newPackage', terms);
    setInvalid(new Set([...(checked.invalid ?? [])].map((field) => FIELD_OF[field]).filter((field) => field !== undefined)));
    if (!checked.data) return;
    if (!existing) {
      create.mutate(terms, { onSuccess: onClose });
      return;
    }
    const change = changes(existing, terms, values.onSale);
    if (Object.keys(change).length === 0) onClose();
    else update.mutate({ id: existing.id, change }, { onSuccess: onClose });
  };

  const count = (field: CountField, key: string) => (
    <NumberInput
      label={t(`packages.fields.${field}`)}
      min={bounds(key).min}
      max={bounds(key).max}
      allowNegative={false}
      allowDecimal={false}
      thousandSeparator=","
      value={values[field]}
      onChange={(value) => set(field, value)}
      error={invalid.has(field) ? t('packages.validation.limit', range(key)) : undefined}
    />
  );
  const credit = (field: CreditField, key: string) => (
    <NumberInput
      label={t(`packages.fields.${field}`)}
      min={bounds(key).min}
      max={bounds(key).max}
      allowNegative={false}
      decimalScale={6}
      prefix="$"
      value={values[field]}
      onChange={(value) => set(field, value)}
      error={invalid.has(field) ? t('packages.validation.credit', range(key)) : undefined}
    />
  );

  const catalogue = (models.data ?? []).map((model) => model.name);
  return (
    <FormModal
      opened={editing !== null}
      onClose={onClose}
      onSubmit={() => void submit()}
      title={existing ? t('packages.editTitle', { name: existing.name }) : t('packages.createTitle')}
      submitLabel={t('packages.save')}
      pending={pending}
      error={error}
      size="xl"
    >
      {existing && (
        <Alert color="blue" variant="light" py="xs">
          {t('packages.soldKeepTerms')}
        </Alert>
      )}
      <TextInput
        label={t('packages.fields.name')}
        required
        maxLength={bounds('name').maxLength}
        value={values.name}
        onChange={(event) => set('name', event.currentTarget.value)}
        error={invalid.has('name') ? t('packages.validation.name', range('name')) : undefined}
      />
      <Textarea
        label={t('packages.fields.description')}
        maxLength={bounds('description').maxLength}
        autosize
        minRows={2}
        maxRows={5}
        value={values.description}
        onChange={(event) => set('description', event.currentTarget.value)}
      />
      <TermsGroup legend={t('packages.groups.sale')}>
        <NumberInput
          label={t('packages.fields.price')}
          description={t('packages.priceHint', { currency: values.currency.toUpperCase() || '—' })}
          required
          min={0}
          allowNegative={false}
          decimalScale={digits}
          value={values.price}
          onChange={(value) => set('price', value)}
          error={invalid.has('price') ? t('packages.validation.price') : undefined}
        />
        <TextInput
          label={t('packages.fields.currency')}
          description="ISO 4217"
          required
          maxLength={3}
          value={values.currency}
          onChange={(event) => set('currency', event.currentTarget.value.toUpperCase())}
          error={invalid.has('currency') ? t('packages.validation.currency') : undefined}
        />
        <NumberInput
          label={t('packages.fields.duration')}
          description={t('packages.durationHint')}
          required
          min={bounds('duration_days').min}
          max={bounds('duration_days').max}
          allowNegative={false}
          allowDecimal={false}
          value={values.duration}
          onChange={(value) => set('duration', value)}
          error={invalid.has('duration') ? t('packages.validation.duration', range('duration_days')) : undefined}
        />
      </TermsGroup>
      <Text size="xs" c="dimmed">
        {t('packages.termsHint')} {t('packages.creditHint')}
      </Text>
      <TermsGroup legend={t('packages.groups.day')}>
        {count('dailyRequests', 'daily_request_limit')}
        {count('dailyTokens', 'daily_token_limit')}
        {credit('dailyCredits', 'daily_credit_limit')}
      </TermsGroup>
      <TermsGroup legend={t('packages.groups.fiveHours')}>
        {count('fiveHourRequests', 'five_hour_request_limit')}
        {count('fiveHourTokens', 'five_hour_token_limit')}
        {credit('fiveHourCredits', 'five_hour_credit_limit')}
      </TermsGroup>
      <TermsGroup legend={t('packages.groups.week')}>
        {count('weeklyRequests', 'weekly_request_limit')}
        {count('weeklyTokens', 'weekly_token_limit')}
        {credit('weeklyCredits', 'weekly_credit_limit')}
      </TermsGroup>
      <TermsGroup legend={t('packages.groups.key')}>
        {count('rpm', 'rpm_limit')}
        {count('streams', 'max_concurrent_streams')}
      </TermsGroup>
      <TagsInput
        label={t('packages.fields.models')}
        description={t('packages.modelsHint')}
        data={catalogue}
        value={values.models}
        onChange={(models) => set('models', models)}
        clearable
        splitChars={[',', ' ']}
        error={invalid.has('models') ? t('common.validation.modelNames') : undefined}
      />
      {existing && (
        <Switch label={t('packages.fields.onSale')} checked={values.onSale} onChange={(event) => set('onSale', event.currentTarget.checked)} mt="xs" />
      )}
    </FormModal>
  );
}

// A group's name reads as a small heading above its fields (their labels say the rest).
const LEGEND = {
  legend: {
    fontSize: 'var(--mantine-font-size-xs)',
    fontWeight: 700,
    textTransform: 'uppercase',
    color: 'var(--mantine-color-dimmed)',
    marginBottom: 'var(--mantine-spacing-xs)',
  },
} as const;

/** A titled group of the form's fields, three to a row from small screens up. */
function TermsGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <Fieldset legend={legend} variant="unstyled" styles={LEGEND} pt={4}>
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        {children}
      </SimpleGrid>
    </Fieldset>
  );
}
