import type { AccountRow } from './account-store.js';

/** The console's view of an account: never the password hash. */
export function accountView(a: AccountRow) {
  return {
    id: a.id,
    email: a.email,
    email_verified: a.email_verified_at !== null,
    status: a.status,
    locale: a.locale,
    created_at: a.created_at.toISOString(),
    role: a.role,
    totp_enabled: a.totp_enabled_at !== null,
  };
}
