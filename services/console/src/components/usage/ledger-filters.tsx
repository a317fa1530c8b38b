import { Button, Group, NativeSelect, TextInput } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiKeyView } from '../../hooks/api/keys/types';
import { ledgerCsvUrl } from '../../hooks/api/ledger/queries';
import type { LedgerFilters as Filters } from '../../hooks/api/ledger/types';

interface LedgerFiltersProps {
  value: Filters;
  onChange: (filters: Filters) => void;
  /** The filters the table shows now (the model text is debounced): the CSV matches what is seen. */
  applied: Filters;
  keys: ApiKeyView[];
  /** Model names seen in the chosen period, offered as suggestions. */
  models: string[];
}

export const NO_FILTERS: Filters = { keyId: '', model: '', date: '', outcome: '' };

export function LedgerFilters({ value, onChange, applied, keys, models }: LedgerFiltersProps) {
  const { t } = useTranslation();
  const listId = useId();
  const filtered = value.keyId !== '' || value.model !== '' || value.date !== '' || value.outcome !== '';
  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <NativeSelect
        label={t('fields.apiKey')}
        value={value.keyId}
        onChange={(event) => onChange({ ...value, keyId: event.currentTarget.value })}
        data={[{ value: '', label: t('usage.allKeys') }, ...keys.map((key) => ({ value: String(key.id), label: `${key.name} (${key.key_prefix}…)` }))]}
        w={{ base: '100%', xs: 220 }}
      />
      <TextInput
        label={t('fields.model')}
        placeholder={t('usage.modelPlaceholder')}
        list={listId}
        value={value.model}
        onChange={(event) => onChange({ ...value, model: event.currentTarget.value })}
        w={{ base: '100%', xs: 200 }}
      />
      <datalist id={listId}>
        {models.map((model) => (
          <option key={model} value={model} />
        ))}
      </datalist>
      <TextInput
        label={t('fields.day')}
        type="date"
        value={value.date}
        onChange={(event) => onChange({ ...value, date: event.currentTarget.value })}
        w={{ base: '100%', xs: 170 }}
      />
      <NativeSelect
        label={t('usage.outcome')}
        value={value.outcome}
        onChange={(event) => onChange({ ...value, outcome: event.currentTarget.value as Filters['outcome'] })}
        data={[
          { value: '', label: t('usage.outcomes.any') },
          { value: 'served', label: t('usage.outcomes.served') },
          { value: 'refused', label: t('usage.outcomes.refused') },
          { value: 'failed', label: t('usage.outcomes.failed') },
        ]}
        w={{ base: '100%', xs: 160 }}
      />
      {filtered && (
        <Button variant="subtle" onClick={() => onChange(NO_FILTERS)}>
          {t('usage.clearFilters')}
        </Button>
      )}
      {/* A plain link: the browser downloads the file with the session cookie, no script involved. */}
      <Button component="a" href={ledgerCsvUrl(applied)} download variant="default" ml={{ xs: 'auto' }}>
        {t('usage.exportCsv')}
      </Button>
    </Group>
  );
}
