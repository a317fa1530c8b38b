export type { LedgerEntry, LedgerPage } from '@codex-gateway/backend/console-api';

/** The ledger's filters; an empty value means "any". */
export interface LedgerFilters {
  keyId: string;
  model: string;
  /** YYYY-MM-DD */
  date: string;
  /** served, refused (by the gateway, before the upstream) or failed. */
  outcome: '' | 'served' | 'refused' | 'failed';
}
