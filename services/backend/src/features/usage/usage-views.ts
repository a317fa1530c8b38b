import type { LedgerEntry, MeteredRequestView } from '../../contract/console-api.js';
import type { UsageRequestView } from '../../contract/admin-api.js';
import { microsToDollars } from '../../domain/money.js';
import type { SearchRow } from './admin-usage-store.js';
import type { LedgerRow } from './ledger-store.js';
import type { MeteredRow } from './metered-request.js';

/** Those columns as both APIs show them: times in ISO 8601, the cost in US dollars. */
export function meteredView(r: MeteredRow): MeteredRequestView {
  return {
    request_id: r.request_id,
    created_at: r.created_at.toISOString(),
    api_key_id: r.api_key_id,
    model: r.model,
    stream: r.stream,
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    total_tokens: r.total_tokens,
    cached_tokens: r.cached_tokens,
    reasoning_tokens: r.reasoning_tokens,
    cost: microsToDollars(r.cost_micros),
    status_code: r.status_code,
    latency_ms: r.latency_ms,
    refusal: r.refusal,
    unit: r.unit ?? 'tokens',
    units: r.unit ? Number(r.units) : r.total_tokens,
  };
}

/** A request in the operators' search: whose it was and the channel that served it. */
export const requestView = (r: SearchRow): UsageRequestView => ({ ...meteredView(r), user_id: r.user_id, channel: r.channel });

/** A request in the customer's own ledger: which of their keys made it. */
export const entryView = (r: LedgerRow): LedgerEntry => ({ ...meteredView(r), key_name: r.key_name });

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(value: string | number | boolean | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The ledger's CSV export: its header, and one line per entry. */
export const CSV_COLUMNS = [
  'time',
  'request_id',
  'key',
  'model',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cached_tokens',
  'reasoning_tokens',
  'cost_usd',
  'status',
  'latency_ms',
  'refusal',
  'unit',
  'units',
] as const;
export const csvLine = (e: LedgerEntry) =>
  `${[
    e.created_at,
    e.request_id,
    e.key_name,
    e.model,
    e.stream,
    e.prompt_tokens,
    e.completion_tokens,
    e.total_tokens,
    e.cached_tokens,
    e.reasoning_tokens,
    e.cost.toFixed(6),
    e.status_code,
    e.latency_ms,
    e.refusal,
    e.unit,
    e.units,
  ]
    .map(csvCell)
    .join(',')}\r\n`;
