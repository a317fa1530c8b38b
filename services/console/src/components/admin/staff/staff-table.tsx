import { Anchor, Badge, Group, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useChangeStaffRole } from '../../../hooks/api/admin/staff/mutations';
import type { StaffRole, StaffView } from '../../../hooks/api/admin/staff/types';
import { useFormat } from '../../../lib/format';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { RoleBadge, UserStatusBadge } from '../common/badges';
import { ConfirmModal, useConfirmedAction } from '../common/confirm-modal';
import { RowActions } from '../../common/row-actions';
import { STAFF_ROLES } from '@codex-gateway/backend/staff-roles';
import { TableHead } from '../../common/table-head';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Staff with role and second factor; an owner changes or removes the others' roles (never the last owner's). */
export function StaffTable({ staff, myId }: { staff: StaffView[]; myId: number }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const change = useChangeStaffRole();
  const removal = useConfirmedAction(change, (member: StaffView) => ({ id: member.id, role: null }));
  const removing = removal.target;

  if (staff.length === 0) {
    return (
      <Text size="sm" c="dimmed" p="sm">
        {t('staff.empty')}
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      {change.isError && !removing && <ApiErrorAlert error={change.error} />}
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="sm" fz="sm" style={NO_WRAP}>
          <TableHead
            columns={[
              t('staff.columns.email'),
              t('staff.columns.role'),
              t('staff.columns.twoFactor'),
              t('staff.columns.status'),
              t('staff.columns.since'),
              t('staff.columns.actions'),
            ]}
          />
          <Table.Tbody>
            {staff.map((member) => {
              const me = member.id === myId;
              return (
                <Table.Tr key={member.id} data-testid="staff-row">
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Anchor component={Link} to={`/admin/users/${member.id}`} size="sm" fw={600}>
                        {member.email}
                      </Anchor>
                      {me && (
                        <Badge size="xs" variant="outline" color="gray">
                          {t('staff.you')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {me ? (
                      <RoleBadge role={member.role} />
                    ) : (
                      <NativeSelect
                        aria-label={t('staff.accessOf', { email: member.email })}
                        size="xs"
                        w={130}
                        value={member.role}
                        disabled={change.isPending}
                        onChange={(event) => change.mutate({ id: member.id, role: event.currentTarget.value as StaffRole })}
                        data={STAFF_ROLES.map((value) => ({ value, label: t(`common.roles.${value}`) }))}
                      />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={member.totp_enabled ? 'teal' : member.role === 'support' ? 'gray' : 'yellow'}>
                      {member.totp_enabled ? t('staff.twoFactorOn') : t('staff.twoFactorOff')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <UserStatusBadge status={member.status} />
                  </Table.Td>
                  <Table.Td>{format.dateTime(member.created_at)}</Table.Td>
                  <Table.Td>
                    <RowActions actions={[!me && { label: t('staff.removeRole'), onClick: () => removal.ask(member), danger: true }]} />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        {...removal.dialog}
        title={t('staff.removeTitle')}
        body={removing ? t('staff.removeBody', { email: removing.email, role: t(`common.roles.${removing.role}`) }) : ''}
        confirmLabel={t('staff.removeRole')}
      />
    </Stack>
  );
}
