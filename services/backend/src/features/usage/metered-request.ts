import type { MeteredRequestView } from '../../contract/console-api.js';

/** The columns of a usage_logs row that the customer's ledger and the admin search both show. */
export interface MeteredRow extends Omit<MeteredRequestView, 'created_at' | 'cost' | 'unit' | 'units'> {
  created_at: Date;
  /** created_at as Postgres prints it (microseconds kept): the keyset cursor. */
  created_at_exact: string;
  cost_micros: number;
  /** null: billed by tokens alone. */
  unit: Exclude<MeteredRequestView['unit'], 'tokens'> | null;
  units: number;
}

import { OUTCOMES, type Outcome } from '../../contract/console-api.js';

export { OUTCOMES, type Outcome };

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
