export type { TopModelView, TopUserView, UsageRequestPage, UsageRequestView, UsageSummaryView } from '@codex-gateway/backend/admin-api';

export interface UsageRequestFilters {
  userId: string;
  keyId: string;
  model: string;
  statusClass: '' | '2xx' | '4xx' | '5xx';
  /** served, refused (by the gateway, before the upstream) or failed. */
  outcome: '' | 'served' | 'refused' | 'failed';
  /** ISO instants, or empty (the API then takes the last 24 hours). */
  from: string;
  to: string;
}
