import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../lib/format';

interface Limits {
  daily_request_limit: number | null;
  daily_token_limit: number | null;
  rpm_limit: number | null;
  /** Shown when given (packages on sale; periods have dates instead). */
  duration_days?: number;
}

/** A package's or period's limits in words; null reads "Unlimited". */
export function LimitsList({ limits }: { limits: Limits }) {
  const { t } = useTranslation();
  const format = useFormat();
  const value = (limit: number | null) => (limit === null ? t('common.unlimited') : format.number(limit));
  const rows: Array<[string, string]> = [
    [t('limits.dailyRequests'), value(limits.daily_request_limit)],
    [t('limits.dailyTokens'), value(limits.daily_token_limit)],
    [t('limits.rpm'), value(limits.rpm_limit)],
  ];
  if (limits.duration_days !== undefined) rows.push([t('limits.duration'), t('limits.duration', { count: limits.duration_days })]);
  return (
    <List size="sm" spacing={4} listStyleType="none">
      {rows.map(([label, shown]) => (
        <List.Item key={label}>
          <Text span size="sm" c="dimmed">
            {label}:{' '}
          </Text>
          <Text span size="sm" fw={600}>
            {shown}
          </Text>
        </List.Item>
      ))}
    </List>
  );
}
