import { Group, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DayRange } from '../../hooks/api/usage/types';
import { isDay } from '../../lib/dates';

interface DateRangeFieldsProps {
  value: DayRange;
  onChange: (range: DayRange) => void;
  /** The last day there can be data for (today's business day). */
  max: string;
}

/** From/To as native date inputs (no date-picker package); a half-typed day is not applied, a reversed range is flagged. */
export function DateRangeFields({ value, onChange, max }: DateRangeFieldsProps) {
  const { t } = useTranslation();
  const reversed = value.from > value.to;
  const set = (next: DayRange) => {
    if (isDay(next.from) && isDay(next.to)) onChange(next);
  };
  return (
    <Group gap="sm" align="flex-start" role="group" aria-label={t('usage.range')}>
      <TextInput
        label={t('fields.from')}
        type="date"
        max={max}
        value={value.from}
        onChange={(event) => set({ ...value, from: event.currentTarget.value })}
        error={reversed ? t('validation.range') : undefined}
        w={170}
      />
      <TextInput label={t('fields.to')} type="date" max={max} value={value.to} onChange={(event) => set({ ...value, to: event.currentTarget.value })} w={170} />
    </Group>
  );
}
