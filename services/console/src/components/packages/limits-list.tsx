import { List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { PackageView } from '../../hooks/api/packages/types';
import { useFormat } from '../../lib/format';

/** A package's or period's terms (both carry them); the duration only for packages on sale. */
export type PlanTerms = Pick<
  PackageView,
  | 'daily_request_limit'
  | 'daily_token_limit'
  | 'daily_credit_limit'
  | 'five_hour_request_limit'
  | 'five_hour_token_limit'
  | 'five_hour_credit_limit'
  | 'weekly_request_limit'
  | 'weekly_token_limit'
  | 'weekly_credit_limit'
  | 'rpm_limit'
  | 'max_concurrent_streams'
  | 'models'
> & { duration_days?: number };

type CountKey =
  | 'limits.requestsPerDay'
  | 'limits.tokensPerDay'
  | 'limits.requestsPer5h'
  | 'limits.tokensPer5h'
  | 'limits.requestsPerWeek'
  | 'limits.tokensPerWeek'
  | 'limits.rpm'
  | 'limits.streams';

/** A plan's terms in plain words ("$5 of credit every 5 hours"): only the limits it has, then its models. */
export function LimitsList({ limits }: { limits: PlanTerms }) {
  const { t } = useTranslation();
  const format = useFormat();
  const lines: string[] = [];
  const count = (key: CountKey, value: number | null) => {
    if (value !== null) lines.push(t(key, { count: value, value: format.number(value) }));
  };
  const credit = (key: 'limits.creditPerDay' | 'limits.creditPer5h' | 'limits.creditPerWeek', value: number | null) => {
    if (value !== null) lines.push(t(key, { value: format.credit(value) }));
  };

  count('limits.requestsPerDay', limits.daily_request_limit);
  count('limits.tokensPerDay', limits.daily_token_limit);
  credit('limits.creditPerDay', limits.daily_credit_limit);
  count('limits.requestsPer5h', limits.five_hour_request_limit);
  count('limits.tokensPer5h', limits.five_hour_token_limit);
  credit('limits.creditPer5h', limits.five_hour_credit_limit);
  count('limits.requestsPerWeek', limits.weekly_request_limit);
  count('limits.tokensPerWeek', limits.weekly_token_limit);
  credit('limits.creditPerWeek', limits.weekly_credit_limit);
  if (lines.length === 0) lines.push(t('limits.noLimits'));
  count('limits.rpm', limits.rpm_limit);
  count('limits.streams', limits.max_concurrent_streams);
  lines.push(limits.models.length === 0 ? t('limits.allModels') : t('limits.models', { models: limits.models.join(', ') }));

  return (
    <List size="sm" spacing={4} listStyleType="none" data-testid="plan-terms">
      {lines.map((line) => (
        <List.Item key={line}>
          <Text span size="sm" style={{ overflowWrap: 'anywhere' }}>
            {line}
          </Text>
        </List.Item>
      ))}
      {limits.duration_days !== undefined && (
        <List.Item>
          <Text span size="sm" c="dimmed">
            {t('limits.duration')}:{' '}
          </Text>
          <Text span size="sm" fw={600}>
            {t('limits.duration', { count: limits.duration_days })}
          </Text>
        </List.Item>
      )}
    </List>
  );
}
