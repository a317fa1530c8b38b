import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiKeyView } from '../../hooks/api/keys/types';
import { statusColor } from '../../lib/status-colors';

/** The API says active or revoked; an active key past its expiry is shown as expired. */
export function keyState(key: ApiKeyView, now = Date.now()): 'active' | 'revoked' | 'expired' {
  if (key.status === 'revoked') return 'revoked';
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'expired';
  return 'active';
}

export function KeyStatusBadge({ apiKey }: { apiKey: ApiKeyView }) {
  const { t } = useTranslation();
  const state = keyState(apiKey);
  return (
    <Badge variant="light" color={statusColor(state)}>
      {t(`keys.statuses.${state}`)}
    </Badge>
  );
}
