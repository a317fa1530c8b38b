import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { UserView } from '../../../hooks/api/admin/users/types';
import { useFormat } from '../../../lib/format';
import { UserStatusBadge } from '../common/badges';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Users newest first; a row (or its e-mail link, for keyboards) opens the user's page. */
export function UsersTable({ users }: { users: UserView[] }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const navigate = useNavigate();
  if (users.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        {t('users.empty')}
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover verticalSpacing="sm" style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('users.columns.id')}</Table.Th>
            <Table.Th>{t('users.columns.email')}</Table.Th>
            <Table.Th>{t('users.columns.status')}</Table.Th>
            <Table.Th>{t('users.columns.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id} data-testid="admin-user-row" style={{ cursor: 'pointer' }} onClick={() => navigate(`/admin/users/${user.id}`)}>
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {user.id}
                </Text>
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/admin/users/${user.id}`} fw={600} size="sm" onClick={(event) => event.stopPropagation()}>
                  {user.email}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <UserStatusBadge status={user.status} />
              </Table.Td>
              <Table.Td>{format.dateTime(user.created_at)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
