import { Alert, Button, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TodayUsage, UsageWindow } from '../../hooks/api/usage/types';
import { useFormat } from '../../lib/format';

type Kind = 'requests' | 'tokens' | 'credits';

interface Reached {
  window: UsageWindow['window'];
  kind: Kind;
  used: number;
  limit: number;
  resetsAt: string;
}

/** The limits the plan's windows have used up: each one refuses API calls until it resets. */
export function reachedLimits(today: TodayUsage): Reached[] {
  const reached: Reached[] = [];
  for (const w of today.windows) {
    if (w.resets_at === null) continue;
    const counts: Array<[Kind, number, number | null]> = [
      ['requests', w.request_count, w.request_limit],
      ['tokens', w.total_tokens, w.token_limit],
      ['credits', w.cost, w.credit_limit],
    ];
    for (const [kind, used, limit] of counts) {
      if (limit !== null && used >= limit) reached.push({ window: w.window, kind, used, limit, resetsAt: w.resets_at });
    }
  }
  return reached;
}

/**
 * At a limit: which one, when it resets (in the viewer's time, the zone named), and the way
 * forward — wait for the reset, or buy (a package bought now starts when the current one
 * ends, so buying helps today only when the package ends before the limit resets).
 */
export function LimitReachedAlert({ today }: { today: TodayUsage }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reached = reachedLimits(today);
  if (reached.length === 0) return null;
  const endsAt = today.package?.ends_at;
  const lastReset = reached.map((r) => r.resetsAt).reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
  const endsFirst = endsAt !== undefined && Date.parse(endsAt) <= Date.parse(lastReset);
  const amount = (r: Reached, value: number) => (r.kind === 'credits' ? format.usd(value) : format.number(value));

  return (
    <Alert color="red" variant="light" title={t('overview.limitReached.title')} data-testid="limit-reached">
      <Stack gap="xs" align="flex-start">
        {reached.map((r) => (
          <Text size="sm" key={`${r.window}-${r.kind}`} data-testid={`limit-reached-${r.window}-${r.kind}`}>
            {t('overview.limitReached.line', {
              name: t(`overview.limitReached.names.${r.window}.${r.kind}`),
              used: amount(r, r.used),
              limit: amount(r, r.limit),
              time: format.zoned(r.resetsAt),
            })}
          </Text>
        ))}
        {endsAt && (
          <Text size="sm" data-testid="limit-reached-way-forward">
            {t(endsFirst ? 'overview.limitReached.endsFirst' : 'overview.limitReached.wait', { time: format.zoned(endsAt) })}
          </Text>
        )}
        <Button component={Link} to="/buy" size="xs">
          {t('overview.limitReached.buy')}
        </Button>
      </Stack>
    </Alert>
  );
}
