import { SimpleGrid, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TodayUsage as TodayUsageAnswer } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';
import { UsageMeter } from './usage-meter';

/** Today's requests and tokens against the current package's daily limits, and when they reset. */
export function TodayUsage({ today }: { today: TodayUsageAnswer }) {
  const { t } = useTranslation();
  const format = useFormat();
  const limits = today.limits;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <UsageMeter label={t('overview.requests')} used={today.request_count} limit={limits ? limits.daily_request_limit : 'no-package'} />
        <UsageMeter label={t('overview.tokens')} used={today.total_tokens} limit={limits ? limits.daily_token_limit : 'no-package'} />
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {t('overview.resetsAt', { time: format.dateTime(today.resets_at), zone: today.time_zone })}
        {limits && ` · ${t('overview.rpm')}: ${limits.rpm_limit === null ? t('common.unlimited') : format.number(limits.rpm_limit)}`}
      </Text>
    </Stack>
  );
}
