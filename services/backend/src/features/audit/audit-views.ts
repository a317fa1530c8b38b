import type { AuditRow } from './audit-store.js';

/** An audit row as staff read it in the log. */
export function auditView(r: AuditRow) {
  return {
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    actor_user_id: r.actor_user_id,
    role: r.role,
    action: r.action,
    target_type: r.target_type,
    target_id: r.target_id,
    before: r.before,
    after: r.after,
    address: r.address,
  };
}
