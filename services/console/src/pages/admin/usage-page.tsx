import { Group, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { NO_REQUEST_FILTERS, RequestFilters, type RequestFilterValues } from '../../components/admin/usage/request-filters';
import { RequestsTable } from '../../components/admin/usage/requests-table';
import { UsageSummary } from '../../components/admin/usage/usage-summary';
import { ApiErrorAlert } from '../../components/common/api-error-alert';
import { PageHeader } from '../../components/common/page-header';
import { PagedList } from '../../components/common/paged-list';
import { PageLoader } from '../../components/common/page-loader';
import { PageSection } from '../../components/common/page-section';
import { useUsageRequests, useUsageSummary } from '../../hooks/api/admin/usage/queries';
import type { UsageRequestFilters } from '../../hooks/api/admin/usage/types';
import type { DayRange } from '../../hooks/api/usage/types';
import { isDay, lastDays, localToday } from '../../lib/dates';

const DAY_MS = 86_400_000;
const MAX_SUMMARY_DAYS = 92;
const MAX_SEARCH_DAYS = 31;

/** A datetime-local value (the browser's time) as an instant, or '' when empty or half typed. */
const toInstant = (local: string) => {
  const ms = local ? Date.parse(local) : Number.NaN;
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
};

/** The cluster's usage over days, and the per-request search. */
export function AdminUsagePage() {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const [range, setRange] = useState<DayRange>(() => lastDays(localToday(), 30));
  const days = (Date.parse(range.to) - Date.parse(range.from)) / DAY_MS + 1;
  const rangeError = days < 1 ? tMain('validation.range') : days > MAX_SUMMARY_DAYS ? t('usage.rangeTooLong') : undefined;
  const summary = useUsageSummary(rangeError ? null : range);

  // Other pages link here for one user's or one key's requests (?userId=…, ?keyId=…).
  const [params] = useSearchParams();
  const [values, setValues] = useState<RequestFilterValues>(() => ({
    ...NO_REQUEST_FILTERS,
    userId: params.get('userId') ?? '',
    keyId: params.get('keyId') ?? '',
  }));
  const [debounced] = useDebouncedValue(values, 400);
  const filters: UsageRequestFilters = { ...debounced, from: toInstant(debounced.from), to: toInstant(debounced.to) };
  // The API's rule, said before asking: without a user or key, at most 31 days (from defaults to a day before to).
  const span = (filters.to ? Date.parse(filters.to) : Date.now()) - (filters.from ? Date.parse(filters.from) : Date.now() - DAY_MS);
  const searchError = !filters.userId && !filters.keyId && span > MAX_SEARCH_DAYS * DAY_MS ? t('usage.searchTooLong') : undefined;
  const requests = useUsageRequests(filters, searchError === undefined);

  const setDay = (which: keyof DayRange, value: string) => {
    if (isDay(value)) setRange({ ...range, [which]: value });
  };

  return (
    <Stack gap="lg">
      <PageHeader title={t('usage.title')} />
      <PageSection title={t('usage.summary')}>
        <Group gap="sm" align="flex-start" role="group" aria-label={t('usage.range')}>
          <TextInput
            label={t('usage.firstDay')}
            type="date"
            value={range.from}
            onChange={(e) => setDay('from', e.currentTarget.value)}
            error={rangeError}
            w={170}
          />
          <TextInput label={t('usage.lastDay')} type="date" value={range.to} onChange={(e) => setDay('to', e.currentTarget.value)} w={170} />
        </Group>
        {summary.data && (
          <Text size="xs" c="dimmed">
            {t('usage.rangeHint', { zone: summary.data.time_zone })}
          </Text>
        )}
        {summary.isError && <ApiErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />}
        {summary.isPending && !rangeError && <PageLoader />}
        {summary.data && <UsageSummary summary={summary.data} />}
      </PageSection>

      <PageSection title={t('usage.search')} intro={t('usage.searchIntro')} boxed>
        <RequestFilters value={values} onChange={setValues} rangeError={searchError} />
        {/* A search the API would refuse is not sent: no spinner, no rows of an earlier search. */}
        {!searchError && <PagedList query={requests}>{(rows) => <RequestsTable rows={rows} />}</PagedList>}
      </PageSection>
    </Stack>
  );
}
