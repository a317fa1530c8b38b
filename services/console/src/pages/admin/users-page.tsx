import { Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CreateUserForm } from '../../components/admin/users/create-user-form';
import { UsersTable } from '../../components/admin/users/users-table';
import { useStaffAccess } from '../../components/admin/use-staff-access';
import { PageHeader } from '../../components/common/page-header';
import { ListPanel } from '../../components/common/page-section';
import { PagedList } from '../../components/common/paged-list';
import { useUsers } from '../../hooks/api/admin/users/queries';
import type { UserFilters } from '../../hooks/api/admin/users/types';
import { useUrlFilters } from '../../lib/use-url-filters';

const NO_FILTERS: UserFilters = { q: '', status: '' };

export function AdminUsersPage() {
  const { t } = useTranslation('admin');
  const access = useStaffAccess();
  const navigate = useNavigate();
  const [filters, setFilters] = useUrlFilters(NO_FILTERS);
  // Typing a search should not fire a request per keystroke.
  const [q] = useDebouncedValue(filters.q, 300);
  const users = useUsers({ ...filters, q });

  return (
    <Stack gap="lg">
      <PageHeader title={t('users.title')} description={t('users.intro')} />
      {access.change && <CreateUserForm onCreated={(user) => navigate(`/admin/users/${user.id}`)} />}
      <ListPanel>
        <Group gap="sm" align="flex-end" role="search">
          <TextInput
            label={t('users.search')}
            placeholder={t('users.searchPlaceholder')}
            type="search"
            value={filters.q}
            onChange={(event) => setFilters({ ...filters, q: event.currentTarget.value })}
            w={{ base: '100%', xs: 300 }}
          />
          <NativeSelect
            label={t('common.status')}
            value={filters.status}
            onChange={(event) => setFilters({ ...filters, status: event.currentTarget.value as UserFilters['status'] })}
            data={[
              { value: '', label: t('users.anyStatus') },
              { value: 'active', label: t('common.userStatuses.active') },
              { value: 'suspended', label: t('common.userStatuses.suspended') },
            ]}
            w={{ base: '100%', xs: 180 }}
          />
        </Group>
        <PagedList query={users}>{(rows) => <UsersTable users={rows} />}</PagedList>
      </ListPanel>
    </Stack>
  );
}
