import { Alert, Button, Fieldset, Group, Modal, NumberInput, SimpleGrid, Stack, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useModels } from '../../../hooks/api/admin/models/queries';
import { useCreatePackage, useUpdatePackage } from '../../../hooks/api/admin/packages/mutations';
import type { AdminPackageView, CreatePackageRequest, PackageChangeRequest } from '../../../hooks/api/admin/packages/types';
import { currencyDigits } from '../../../lib/format';
import { ApiErrorAlert } from '../../common/api-error-alert';

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

const BLANK: Values = {
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
};

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
type Field = 'name' | 'currency' | 'price' | 'duration' | CountField | CreditField;

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

/** The request body, or the fields that are not right. */
function toTerms(v: Values): { terms: CreatePackageRequest; invalid: null } | { terms: null; invalid: Set<Field> } {
  const invalid = new Set<Field>();
  const whole = (value: number | string, min: number, max = Number.MAX_SAFE_INTEGER) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
  const limit = (field: CountField, value: number | string, min: number) => {
    if (value === '') return null;
    const n = whole(value, min);
    if (n === null) invalid.add(field);
    return n;
  };
  // Dollars; the gateway keeps micro-dollars, so more than 6 decimals would be rounded away anyway.
  const credit = (field: CreditField, value: number | string) => {
    if (value === '') return null;
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value * 1e6) / 1e6;
    invalid.add(field);
    return null;
  };
  const name = v.name.trim();
  if (name.length < 1 || name.length > 200) invalid.add('name');
  const currency = v.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) invalid.add('currency');
  const price = typeof v.price === 'number' && v.price >= 0 ? Math.round(v.price * 10 ** currencyDigits(currency)) : null;
  if (price === null) invalid.add('price');
  const duration = whole(v.duration, 1, 3660);
  if (duration === null) invalid.add('duration');
  const terms: CreatePackageRequest = {
    name,
    description: v.description,
    price_cents: price ?? 0,
    currency,
    daily_request_limit: limit('dailyRequests', v.dailyRequests, 0),
    daily_token_limit: limit('dailyTokens', v.dailyTokens, 0),
    daily_credit_limit: credit('dailyCredits', v.dailyCredits),
    five_hour_request_limit: limit('fiveHourRequests', v.fiveHourRequests, 0),
    five_hour_token_limit: limit('fiveHourTokens', v.fiveHourTokens, 0),
    five_hour_credit_limit: credit('fiveHourCredits', v.fiveHourCredits),
    weekly_request_limit: limit('weeklyRequests', v.weeklyRequests, 0),
    weekly_token_limit: limit('weeklyTokens', v.weeklyTokens, 0),
    weekly_credit_limit: credit('weeklyCredits', v.weeklyCredits),
    rpm_limit: limit('rpm', v.rpm, 1),
    max_concurrent_streams: limit('streams', v.streams, 1),
    models: v.models.map((model) => model.trim()).filter((model) => model !== ''),
    duration_days: duration ?? 0,
  };
  return invalid.size > 0 ? { terms: null, invalid } : { terms, invalid: null };
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
  const { t: tMain } = useTranslation();
  const create = useCreatePackage();
  const update = useUpdatePackage();
  const models = useModels();
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
  const digits = /^[A-Za-z]{3}$/.test(values.currency) ? currencyDigits(values.currency) : 2;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = toTerms(values);
    setInvalid(checked.invalid ?? new Set());
    if (!checked.terms) return;
    if (!existing) {
      create.mutate(checked.terms, { onSuccess: onClose });
      return;
    }
    const change = changes(existing, checked.terms, values.onSale);
    if (Object.keys(change).length === 0) onClose();
    else update.mutate({ id: existing.id, change }, { onSuccess: onClose });
  };

  const count = (field: CountField, min = 0) => (
    <NumberInput
      label={t(`packages.fields.${field}`)}
      min={min}
      allowNegative={false}
      allowDecimal={false}
      thousandSeparator=","
      value={values[field]}
      onChange={(value) => set(field, value)}
      error={invalid.has(field) ? t(field === 'streams' ? 'packages.validation.streams' : 'packages.validation.limit') : undefined}
    />
  );
  const credit = (field: CreditField) => (
    <NumberInput
      label={t(`packages.fields.${field}`)}
      min={0}
      allowNegative={false}
      decimalScale={6}
      prefix="$"
      value={values[field]}
      onChange={(value) => set(field, value)}
      error={invalid.has(field) ? t('packages.validation.credit') : undefined}
    />
  );

  const catalogue = (models.data ?? []).map((model) => model.name);
  const error = create.error ?? update.error;
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={existing ? t('packages.editTitle', { name: existing.name }) : t('packages.createTitle')}
      closeButtonProps={{ 'aria-label': tMain('common.close') }}
      size="xl"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {existing && (
            <Alert color="blue" variant="light" py="xs">
              {t('packages.soldKeepTerms')}
            </Alert>
          )}
          <TextInput
            label={t('packages.fields.name')}
            required
            maxLength={200}
            value={values.name}
            onChange={(event) => set('name', event.currentTarget.value)}
            error={invalid.has('name') ? t('packages.validation.name') : undefined}
          />
          <Textarea
            label={t('packages.fields.description')}
            maxLength={2000}
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
              min={1}
              max={3660}
              allowNegative={false}
              allowDecimal={false}
              value={values.duration}
              onChange={(value) => set('duration', value)}
              error={invalid.has('duration') ? t('packages.validation.duration') : undefined}
            />
          </TermsGroup>
          <Text size="xs" c="dimmed">
            {t('packages.termsHint')} {t('packages.creditHint')}
          </Text>
          <TermsGroup legend={t('packages.groups.day')}>
            {count('dailyRequests')}
            {count('dailyTokens')}
            {credit('dailyCredits')}
          </TermsGroup>
          <TermsGroup legend={t('packages.groups.fiveHours')}>
            {count('fiveHourRequests')}
            {count('fiveHourTokens')}
            {credit('fiveHourCredits')}
          </TermsGroup>
          <TermsGroup legend={t('packages.groups.week')}>
            {count('weeklyRequests')}
            {count('weeklyTokens')}
            {credit('weeklyCredits')}
          </TermsGroup>
          <TermsGroup legend={t('packages.groups.key')}>
            {count('rpm', 1)}
            {count('streams', 1)}
          </TermsGroup>
          <TagsInput
            label={t('packages.fields.models')}
            description={t('packages.modelsHint')}
            data={catalogue}
            value={values.models}
            onChange={(models) => set('models', models)}
            clearable
            splitChars={[',', ' ']}
          />
          {existing && (
            <Switch label={t('packages.fields.onSale')} checked={values.onSale} onChange={(event) => set('onSale', event.currentTarget.checked)} mt="xs" />
          )}
          {error ? <ApiErrorAlert error={error} /> : null}
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              {tMain('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {t('packages.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
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
