import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UserTodayUsage } from '../../../hooks/api/admin/users/types';
import { useFormat } from '../../../lib/format';
import { UsageWindows } from '../../usage/usage-windows';

/** The user's counts in every limit window of their package, as the customer sees them, and the tokens reserved now. */
export function UserToday({ today }: { today: UserTodayUsage }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  return (
    <Stack gap="xs">
      <UsageWindows today={today} />
      <Text size="sm" c="dimmed">
        {t('userDetail.reserved')}: {format.number(today.reserved_tokens)} ·{' '}
        {today.package ? `${today.package.name} · ${tMain('overview.endsAt', { time: format.zoned(today.package.ends_at) })}` : t('userDetail.noPackageToday')}
      </Text>
    </Stack>
  );
}
