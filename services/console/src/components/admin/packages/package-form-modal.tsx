import { Alert, Button, Group, Modal, NumberInput, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  rpm: number | string;
  duration: number | string;
  onSale: boolean;
}

const BLANK: Values = { name: '', description: '', price: '', currency: 'USD', dailyRequests: '', dailyTokens: '', rpm: '', duration: 30, onSale: true };

function valuesOf(pkg: AdminPackageView): Values {
  const limit = (value: number | null) => (value === null ? '' : value);
  return {
    name: pkg.name,
    description: pkg.description,
    price: pkg.price_cents / 10 ** currencyDigits(pkg.currency),
    currency: pkg.currency,
    dailyRequests: limit(pkg.daily_request_limit),
    dailyTokens: limit(pkg.daily_token_limit),
    rpm: limit(pkg.rpm_limit),
    duration: pkg.duration_days,
    onSale: pkg.status === 'active',
  };
}

type Field = 'name' | 'currency' | 'price' | 'duration' | 'dailyRequests' | 'dailyTokens' | 'rpm';

/** The request body, or the fields that are not right. */
function toTerms(v: Values): { terms: CreatePackageRequest; invalid: null } | { terms: null; invalid: Set<Field> } {
  const invalid = new Set<Field>();
  const whole = (value: number | string, min: number, max = Number.MAX_SAFE_INTEGER) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
  const limit = (field: Field, value: number | string, min: number) => {
    if (value === '') return null;
    const n = whole(value, min);
    if (n === null) invalid.add(field);
    return n;
  };
  const name = v.name.trim();
  if (name.length < 1 || name.length > 200) invalid.add('name');
  const currency = v.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) invalid.add('currency');
  const price = typeof v.price === 'number' && v.price >= 0 ? Math.round(v.price * 10 ** currencyDigits(currency)) : null;
  if (price === null) invalid.add('price');
  const duration = whole(v.duration, 1, 3660);
  if (duration === null) invalid.add('duration');
  const terms = {
    name,
    description: v.description,
    price_cents: price ?? 0,
    currency,
    daily_request_limit: limit('dailyRequests', v.dailyRequests, 0),
    daily_token_limit: limit('dailyTokens', v.dailyTokens, 0),
    rpm_limit: limit('rpm', v.rpm, 1),
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
  if (terms.daily_request_limit !== before.daily_request_limit) change.daily_request_limit = terms.daily_request_limit;
  if (terms.daily_token_limit !== before.daily_token_limit) change.daily_token_limit = terms.daily_token_limit;
  if ((terms.rpm_limit ?? null) !== before.rpm_limit) change.rpm_limit = terms.rpm_limit ?? null;
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

  const error = create.error ?? update.error;
  const limitHint = t('packages.unlimitedHint');
  return (
    <Modal
      opened={editing !== null}
      onClose={onClose}
      title={existing ? t('packages.editTitle', { name: existing.name }) : t('packages.createTitle')}
      closeButtonProps={{ 'aria-label': tMain('common.close') }}
      size="lg"
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
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
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
              label={t('packages.fields.dailyRequests')}
              description={limitHint}
              min={0}
              allowNegative={false}
              allowDecimal={false}
              value={values.dailyRequests}
              onChange={(value) => set('dailyRequests', value)}
              error={invalid.has('dailyRequests') ? t('packages.validation.limit') : undefined}
            />
            <NumberInput
              label={t('packages.fields.dailyTokens')}
              description={limitHint}
              min={0}
              allowNegative={false}
              allowDecimal={false}
              value={values.dailyTokens}
              onChange={(value) => set('dailyTokens', value)}
              error={invalid.has('dailyTokens') ? t('packages.validation.limit') : undefined}
            />
            <NumberInput
              label={t('packages.fields.rpm')}
              description={limitHint}
              min={1}
              allowNegative={false}
              allowDecimal={false}
              value={values.rpm}
              onChange={(value) => set('rpm', value)}
              error={invalid.has('rpm') ? t('packages.validation.limit') : undefined}
            />
            <NumberInput
              label={t('packages.fields.duration')}
              required
              min={1}
              max={3660}
              allowNegative={false}
              allowDecimal={false}
              value={values.duration}
              onChange={(value) => set('duration', value)}
              error={invalid.has('duration') ? t('packages.validation.duration') : undefined}
            />
          </SimpleGrid>
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
