import type { StaffRow } from './staff-store.js';

/** A staff member as the staff list shows them: whether their second factor is on, never its secret. */
export function staffView(s: StaffRow) {
  return {
    id: s.id,
    email: s.email,
    role: s.role,
    status: s.status,
    totp_enabled: s.totp_enabled_at !== null,
    created_at: s.created_at.toISOString(),
  };
}
