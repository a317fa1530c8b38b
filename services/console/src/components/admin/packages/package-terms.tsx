import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AdminPackageView } from '../../../hooks/api/admin/packages/types';
import { useFormat } from '../../../lib/format';

/** A package's terms in a few short lines ("Day: 100 req · 1M tokens · $5"), only those it limits. */
export function PackageTerms({ pkg }: { pkg: AdminPackageView }) {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const window = (requests: number | null, tokens: number | null, credit: number | null) =>
    [
      requests === null ? null : t('packages.terms.requests', { value: format.compact(requests) }),
      tokens === null ? null : t('packages.terms.tokens', { value: format.compact(tokens) }),
      credit === null ? null : format.credit(credit),
    ]
      .filter((part) => part !== null)
      .join(' · ');
  const lines: Array<[string, string]> = [
    [t('packages.terms.day'), window(pkg.daily_request_limit, pkg.daily_token_limit, pkg.daily_credit_limit)],
    [t('packages.terms.fiveHours'), window(pkg.five_hour_request_limit, pkg.five_hour_token_limit, pkg.five_hour_credit_limit)],
    [t('packages.terms.week'), window(pkg.weekly_request_limit, pkg.weekly_token_limit, pkg.weekly_credit_limit)],
  ];
  const limited = lines.filter(([, text]) => text !== '');
  const perKey = [
    pkg.rpm_limit === null ? null : t('packages.terms.rpm', { value: format.number(pkg.rpm_limit) }),
    pkg.max_concurrent_streams === null ? null : t('packages.terms.streams', { count: pkg.max_concurrent_streams }),
  ]
    .filter((part) => part !== null)
    .join(' · ');
  if (perKey !== '') limited.push([t('packages.terms.key'), perKey]);
  if (pkg.models.length > 0) limited.push([t('packages.terms.models'), pkg.models.join(', ')]);

  if (limited.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t('packages.terms.unlimited')}
      </Text>
    );
  }
  return (
    <Stack gap={2} data-testid="package-terms">
      {limited.map(([label, text]) => (
        <Text key={label} size="sm" maw={320} style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}>
          <Text span size="xs" c="dimmed" fw={600}>
            {label}:
          </Text>{' '}
          {text}
        </Text>
      ))}
    </Stack>
  );
}
