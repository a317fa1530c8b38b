import { Button, Group, NativeSelect, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UsageRequestFilters } from '../../../hooks/api/admin/usage/types';

/** The search's fields as typed: ids as text, but `from` and `to` as datetime-local values (the browser's time), not instants. */
export type RequestFilterValues = UsageRequestFilters;

export const NO_REQUEST_FILTERS: RequestFilterValues = { userId: '', keyId: '', model: '', statusClass: '', outcome: '', from: '', to: '' };

interface RequestFiltersProps {
  value: RequestFilterValues;
  onChange: (value: RequestFilterValues) => void;
  /** A message under From when the range is not allowed. */
  rangeError?: string;
}

export function RequestFilters({ value, onChange, rangeError }: RequestFiltersProps) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const digits = (text: string) => text.replace(/\D/g, '');
  const filtered = Object.entries(value).some(([, v]) => v !== '');
  return (
    <Group gap="sm" align="flex-start" role="search">
      <TextInput
        label={t('common.userId')}
        inputMode="numeric"
        value={value.userId}
        onChange={(event) => onChange({ ...value, userId: digits(event.currentTarget.value) })}
        w={{ base: '100%', xs: 120 }}
      />
      <TextInput
        label={t('common.keyId')}
        inputMode="numeric"
        value={value.keyId}
        onChange={(event) => onChange({ ...value, keyId: digits(event.currentTarget.value) })}
        w={{ base: '100%', xs: 120 }}
      />
      <TextInput
        label={t('common.model')}
        value={value.model}
        onChange={(event) => onChange({ ...value, model: event.currentTarget.value })}
        w={{ base: '100%', xs: 180 }}
      />
      <NativeSelect
        label={t('usage.statusClass')}
        value={value.statusClass}
        onChange={(event) => onChange({ ...value, statusClass: event.currentTarget.value as RequestFilterValues['statusClass'] })}
        data={[
          { value: '', label: t('usage.anyStatusClass') },
          { value: '2xx', label: '2xx' },
          { value: '4xx', label: '4xx' },
          { value: '5xx', label: '5xx' },
        ]}
        w={{ base: '100%', xs: 140 }}
      />
      <NativeSelect
        label={tMain('usage.outcome')}
        value={value.outcome}
        onChange={(event) => onChange({ ...value, outcome: event.currentTarget.value as RequestFilterValues['outcome'] })}
        data={[
          { value: '', label: tMain('usage.outcomes.any') },
          { value: 'served', label: tMain('usage.outcomes.served') },
          { value: 'refused', label: tMain('usage.outcomes.refused') },
          { value: 'failed', label: tMain('usage.outcomes.failed') },
        ]}
        w={{ base: '100%', xs: 160 }}
      />
      <TextInput
        label={t('common.from')}
        type="datetime-local"
        value={value.from}
        onChange={(event) => onChange({ ...value, from: event.currentTarget.value })}
        error={rangeError}
        w={{ base: '100%', xs: 210 }}
      />
      <TextInput
        label={t('common.to')}
        type="datetime-local"
        value={value.to}
        onChange={(event) => onChange({ ...value, to: event.currentTarget.value })}
        w={{ base: '100%', xs: 210 }}
      />
      {filtered && (
        <Button variant="subtle" mt={{ base: 0, xs: 25 }} onClick={() => onChange(NO_REQUEST_FILTERS)}>
          {t('common.clearFilters')}
        </Button>
      )}
    </Group>
  );
}
