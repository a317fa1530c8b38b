import { Anchor, Badge, Button, Group, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useChangeStaffRole } from '../../../hooks/api/admin/staff/mutations';
import type { StaffRole, StaffView } from '../../../hooks/api/admin/staff/types';
import { useFormat } from '../../../lib/format';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { RoleBadge, UserStatusBadge } from '../common/badges';
import { ConfirmModal } from '../common/confirm-modal';
import { STAFF_ROLES } from '@codex-gateway/backend/staff-roles';
import { TableHead } from '../../common/table-head';

const NO_WRAP = { whiteSpace: 'nowrap' } as const;

/** Staff with role and second factor; an owner changes or removes the others' roles (never the last owner's). */
export function StaffTable({ staff, myId }: { staff: StaffView[]; myId: number }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const change = useChangeStaffRole();
  const [removing, setRemoving] = useState<StaffView | null>(null);

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
                    {!me && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="red"
                        onClick={() => {
                          change.reset();
                          setRemoving(member);
                        }}
                      >
                        {t('staff.removeRole')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={removing !== null}
        title={t('staff.removeTitle')}
        body={removing ? t('staff.removeBody', { email: removing.email, role: t(`common.roles.${removing.role}`) }) : ''}
        confirmLabel={t('staff.removeRole')}
        pending={change.isPending}
        error={change.error}
        onConfirm={() => removing && change.mutate({ id: removing.id, role: null }, { onSuccess: () => setRemoving(null) })}
        onClose={() => setRemoving(null)}
      />
    </Stack>
  );
}
