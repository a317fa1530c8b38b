/**
 * The one rule for colouring a status, wherever it shows (requests, orders, periods, keys,
 * codes, channels, users): a colour says what the status means to the reader, never which
 * page shows it.
 */
const MEANING = {
  good: 'teal',
  waiting: 'yellow',
  ahead: 'blue',
  over: 'gray',
  attention: 'orange',
  bad: 'red',
} as const;

const STATUS_MEANING: Record<string, keyof typeof MEANING> = {
  // A request's outcome.
  served: 'good',
  refused: 'attention',
  failed: 'bad',
  // Accounts, keys, periods, channels, catalogue entries.
  active: 'good',
  enabled: 'good',
  suspended: 'bad',
  disabled: 'over',
  revoked: 'over',
  expired: 'over',
  ended: 'over',
  queued: 'ahead',
  // Orders and what the payment provider said of them.
  pending: 'waiting',
  awaiting_payment: 'waiting',
  processing: 'waiting',
  paid: 'ahead',
  fulfilled: 'good',
  already_fulfilled: 'over',
  duplicate_event: 'over',
  refunded: 'attention',
  cancelled: 'over',
  payment_failed: 'bad',
  amount_mismatch: 'bad',
  unknown_order: 'bad',
  // Redemption codes.
  unused: 'ahead',
  redeemed: 'good',
  void: 'over',
};

/** A Mantine colour for a status word, or for an HTTP status code by its class (2xx, 4xx, 5xx). */
export function statusColor(status: string | number): string {
  if (typeof status === 'number') return MEANING[status < 400 ? 'good' : status < 500 ? 'attention' : 'bad'];
  return MEANING[STATUS_MEANING[status] ?? 'over'];
}
