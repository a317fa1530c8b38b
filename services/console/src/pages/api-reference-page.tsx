import { Anchor, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { TagSection } from '../components/api-reference/tag-section';
import { groupByTag, matchesFilter, operationsOf, visibleTo } from '../components/api-reference/operations';
import { ApiErrorAlert } from '../components/common/api-error-alert';
import { PageHeader } from '../components/common/page-header';
import { PageLoader } from '../components/common/page-loader';
import { OPENAPI_PATH, useApiDescription } from '../hooks/api/api-reference/queries';
import { useLoadedSession } from '../hooks/api/session/queries';
import { useApiReferenceStrings } from '../i18n/api-reference/api-reference-strings';
import { useUrlFilters } from '../lib/use-url-filters';

/**
 * The gateway's OpenAPI description, drawn with the console's own components (no Swagger UI,
 * Scalar or Redoc: each would add hundreds of kB and fonts from elsewhere). Staff see every
 * API; customers the two they may call. The filter is kept in the address (?q=…).
 */
export function ApiReferencePage() {
  useApiReferenceStrings();
  const { t } = useTranslation('apiReference');
  const { user } = useLoadedSession();
  const role = user?.role ?? null;
  const description = useApiDescription();
  const [{ q }, setFilters] = useUrlFilters({ q: '' });
  const { hash } = useLocation();
  const opened = hash.length > 1 ? operationIdFrom(hash) : null;

  const visible = useMemo(() => (description.data ? operationsOf(description.data).filter((op) => visibleTo(role, op)) : []), [description.data, role]);
  const shown = visible.filter((op) => matchesFilter(op, q));
  const groups = description.data ? groupByTag(description.data, shown) : [];
  const words = q.split(/\s+/).filter(Boolean);

  // A link to one operation (#postV1ChatCompletions) opens it (its card's default) and scrolls to it.
  useEffect(() => {
    if (opened && description.data) document.getElementById(opened)?.scrollIntoView({ block: 'start' });
  }, [opened, description.data]);

  return (
    <Stack gap="lg">
      <PageHeader
        title={t('title')}
        description={
          <>
            {t('intro')} {role === null && t('introCustomer')}
          </>
        }
        actions={
          <Button component="a" href={OPENAPI_PATH} download="openapi.json" variant="light" size="sm">
            {t('download')}
          </Button>
        }
      />
      {description.isError && <ApiErrorAlert error={description.error} onRetry={() => void description.refetch()} />}
      {description.isPending && <PageLoader />}
      {description.data && (
        <>
          <Group gap="md" align="flex-end" wrap="wrap">
            <TextInput
              type="search"
              label={t('filter')}
              placeholder={t('filterPlaceholder')}
              value={q}
              onChange={(event) => setFilters({ q: event.currentTarget.value })}
              w={{ base: '100%', xs: 360 }}
            />
            <Text size="sm" c="dimmed" pb={6} role="status">
              {t('count', { count: shown.length })}
            </Text>
          </Group>
          {shown.length === 0 && q && (
            <Text size="sm">
              {t('noMatch', { filter: q })}{' '}
              <Anchor component="button" type="button" size="sm" onClick={() => setFilters({ q: '' })}>
                {t('clearFilter')}
              </Anchor>
            </Text>
          )}
          {groups.map((group) => (
            <TagSection key={group.name} group={group} highlight={words} role={role} opened={opened} />
          ))}
        </>
      )}
    </Stack>
  );
}

/** "#postV1ChatCompletions" → its id; a hash that is not valid percent-encoding opens nothing. */
function operationIdFrom(hash: string): string | null {
  try {
    return decodeURIComponent(hash.slice(1));
  } catch {
    return null;
  }
}
