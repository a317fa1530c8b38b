import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { statusColor } from '../../lib/status-colors';

/** Phones (below Mantine's xs breakpoint, 576 px): request lists become cards, every field in sight. */
export function useIsPhone(): boolean {
  return useMediaQuery('(max-width: 35.99em)', false, { getInitialValueInEffect: false });
}

const NAMED_REFUSALS = new Set([
  'api_key_revoked',
  'api_key_expired',
  'account_suspended',
  'model_not_allowed',
  'insufficient_quota',
  'rate_limit_exceeded',
  'concurrent_stream_limit_exceeded',
]);

type RefusalKey =
  | 'api_key_revoked'
  | 'api_key_expired'
  | 'account_suspended'
  | 'model_not_allowed'
  | 'insufficient_quota'
  | 'rate_limit_exceeded'
  | 'concurrent_stream_limit_exceeded'
  | 'limit'
  | 'other';

/** The words for a refusal's code: its own, a limit of any window, or plain "Refused". */
function refusalKey(code: string): RefusalKey {
  if (NAMED_REFUSALS.has(code)) return code as RefusalKey;
  return code.endsWith('_limit_exceeded') ? 'limit' : 'other';
}

/**
 * A request's status code, coloured by class, and for a refusal (the gateway answered 401,
 * 403 or 429 before the upstream) why, in words, with the code the client saw in a tooltip.
 */
export function RequestStatus({ status, refusal }: { status: number; refusal: string | null }) {
  const { t } = useTranslation();
  return (
    <Group gap={6} wrap="nowrap" data-testid="request-status" data-refusal={refusal ?? undefined}>
      <Badge variant="light" color={statusColor(status)}>
        {status}
      </Badge>
      {refusal && (
        <Tooltip label={refusal}>
          <Text size="xs" c="dimmed" span>
            {t(`usage.refusals.${refusalKey(refusal)}`)}
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}
