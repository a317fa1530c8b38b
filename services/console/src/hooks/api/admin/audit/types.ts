export type { AuditEntryView, AuditPage } from '@codex-gateway/backend/admin-api';

export interface AuditFilters {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
}
