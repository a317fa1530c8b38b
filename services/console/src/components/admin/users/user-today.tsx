import { SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { UserTodayUsage } from '../../../hooks/api/admin/users/types';
import { useFormat } from '../../../lib/format';
import { UsageMeter } from '../../usage/usage-meter';
import { StatCard } from '../common/stat-card';

/** The user's counts today against their package's limits, as the customer sees them. */
export function UserToday({ today }: { today: UserTodayUsage }) {
  const { t } = useTranslation('admin');
  const { t: tMain } = useTranslation();
  const format = useFormat();
  const limits = today.limits;
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <UsageMeter label={tMain('overview.requests')} used={today.request_count} limit={limits ? limits.daily_request_limit : 'no-package'} />
        <UsageMeter label={tMain('overview.tokens')} used={today.total_tokens} limit={limits ? limits.daily_token_limit : 'no-package'} />
        <StatCard label={t('userDetail.reserved')} value={format.number(today.reserved_tokens)} />
      </SimpleGrid>
      <Text size="sm" c="dimmed" mt="xs">
        {today.package ? `${today.package.name} · ${tMain('overview.endsOn', { date: format.day(today.package.end_date) })}` : t('userDetail.noPackageToday')}
      </Text>
    </>
  );
}
