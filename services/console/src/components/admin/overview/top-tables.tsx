import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TopModelView, TopUserView } from '../../../hooks/api/admin/overview/types';
import { useFormat } from '../../../lib/format';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

function Empty({ text }: { text: string }) {
  return (
    <Text size="sm" c="dimmed" py="xs">
      {text}
    </Text>
  );
}

/** The heaviest users: e-mail (to their page), requests and tokens. */
export function TopUsersTable({ users, empty }: { users: TopUserView[]; empty: string }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  if (users.length === 0) return <Empty text={empty} />;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table striped fz="sm" style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('overview.columns.user')}</Table.Th>
            <Table.Th ta="right">{t('overview.columns.requests')}</Table.Th>
            <Table.Th ta="right">{t('overview.columns.tokens')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.user_id} data-testid="top-user-row">
              <Table.Td>
                {/* A long address is cut, so that the figures beside it stay in view (the whole address on hover). */}
                <Anchor component={Link} to={`/admin/users/${user.user_id}`} size="sm" truncate="end" maw={220} display="block" title={user.email ?? undefined}>
                  {user.email ?? t('common.user', { id: user.user_id })}
                </Anchor>
              </Table.Td>
              <Table.Td ta="right">{format.number(user.request_count)}</Table.Td>
              <Table.Td ta="right">{format.number(user.total_tokens)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The most used models: requests, errors and tokens. */
export function TopModelsTable({ models, empty }: { models: TopModelView[]; empty: string }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  if (models.length === 0) return <Empty text={empty} />;
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table striped fz="sm" style={NO_WRAP}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('overview.columns.model')}</Table.Th>
            <Table.Th ta="right">{t('overview.columns.requests')}</Table.Th>
            <Table.Th ta="right">{t('overview.columns.errors')}</Table.Th>
            <Table.Th ta="right">{t('overview.columns.tokens')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {models.map((model) => (
            <Table.Tr key={model.model} data-testid="top-model-row">
              <Table.Td>{model.model}</Table.Td>
              <Table.Td ta="right">{format.number(model.request_count)}</Table.Td>
              <Table.Td ta="right">{format.number(model.error_count)}</Table.Td>
              <Table.Td ta="right">{format.number(model.total_tokens)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
