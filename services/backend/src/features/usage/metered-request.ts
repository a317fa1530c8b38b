import { microsToDollars } from '../../domain/money.js';

/** The columns of a usage_logs row that the customer's ledger and the admin search both show. */
export interface MeteredRow {
  request_id: string;
  created_at: Date;
  /** created_at as Postgres prints it (microseconds kept): the keyset cursor. */
  created_at_exact: string;
  api_key_id: number | null;
  model: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  status_code: number;
  latency_ms: number;
  refusal: string | null;
}

/**
 * What became of a request: served (answered below 400), refused by the gateway before the
 * upstream (401, 403, 429: a refusal code is recorded), or failed (any other error).
 */
export const OUTCOMES = ['served', 'refused', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * The outcome as a condition on usage_logs, `$n` being the outcome's parameter. Refused and
 * failed rows are the failed-request partial index's (status_code >= 400): saying so lets
 * the planner use it.
 */
export const outcomeCondition = (n: number, alias = '') =>
  `($${n}::text IS NULL
     OR ($${n} = 'served' AND ${alias}status_code < 400)
     OR ($${n} = 'refused' AND ${alias}status_code >= 400 AND ${alias}refusal IS NOT NULL)
     OR ($${n} = 'failed' AND ${alias}status_code >= 400 AND ${alias}refusal IS NULL))`;

/** Those columns as both APIs show them: times in ISO 8601, the cost in US dollars. */
export function meteredView(r: MeteredRow) {
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
  };
}
