import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { StaffRole } from '../../../hooks/api/admin/staff/types';
import { statusColor } from '../../../lib/status-colors';

const ROLE_COLOR: Record<StaffRole, string> = { owner: 'grape', admin: 'blue', support: 'cyan' };

export function RoleBadge({ role }: { role: StaffRole }) {
  const { t } = useTranslation('admin');
  return (
    <Badge variant="light" color={ROLE_COLOR[role]}>
      {t(`common.roles.${role}`)}
    </Badge>
  );
}

export function UserStatusBadge({ status }: { status: 'active' | 'suspended' }) {
  const { t } = useTranslation('admin');
  return (
    <Badge variant="light" color={statusColor(status)}>
      {t(`common.userStatuses.${status}`)}
    </Badge>
  );
}
