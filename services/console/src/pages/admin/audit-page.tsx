import { Button, Group, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { AuditTable } from '../../components/admin/audit/audit-table';
import { PageHeader } from '../../components/common/page-header';
import { ListPanel } from '../../components/common/page-section';
import { PagedList } from '../../components/common/paged-list';
import { useAuditLog } from '../../hooks/api/admin/audit/queries';
import type { AuditFilters } from '../../hooks/api/admin/audit/types';
import { useUrlFilters } from '../../lib/use-url-filters';

const NO_FILTERS: AuditFilters = { actor: '', action: '', targetType: '', targetId: '' };

export function AdminAuditPage() {
  const { t } = useTranslation('admin');
  const [filters, setFilters] = useUrlFilters(NO_FILTERS);
  const [applied] = useDebouncedValue(filters, 400);
  const audit = useAuditLog(applied);
  const field = (name: keyof AuditFilters, label: string, placeholder?: string) => (
    <TextInput
      label={label}
      placeholder={placeholder}
      value={filters[name]}
      onChange={(event) => setFilters({ ...filters, [name]: event.currentTarget.value })}
      w={{ base: '100%', xs: 200 }}
    />
  );
  const filtered = Object.values(filters).some((value) => value !== '');

  return (
    <Stack gap="lg">
      <PageHeader title={t('audit.title')} description={t('audit.intro')} />
      <ListPanel>
        <Group gap="sm" align="flex-end" role="search">
          {field('actor', t('audit.actor'), t('audit.actorPlaceholder'))}
          {field('action', t('audit.action'), t('audit.actionPlaceholder'))}
          {field('targetType', t('audit.targetType'), t('audit.targetTypePlaceholder'))}
          {field('targetId', t('audit.targetId'))}
          {filtered && (
            <Button variant="subtle" onClick={() => setFilters(NO_FILTERS)}>
              {t('common.clearFilters')}
            </Button>
          )}
        </Group>
        <PagedList query={audit}>{(rows) => <AuditTable entries={rows} />}</PagedList>
      </ListPanel>
    </Stack>
  );
}
