import type { StaffRole } from '@codex-gateway/backend/admin-api';

/**
 * What the console offers a staff role, after the backend's rules (features/staff/staff-policy.ts):
 * owner — everything; admin — everything but staff; support — reads everything, and may
 * suspend and resume users, send password resets and revoke keys. The server decides in the
 * end; the console only leaves out the buttons a role would see refused.
 */
export interface StaffAccess {
  role: StaffRole;
  /** Staff list, appointing, changing roles. */
  manageStaff: boolean;
  /** Money, packages, codes, creating users and issuing keys. */
  change: boolean;
  /** Suspend, resume, password-reset mail, revoke a key. */
  protectAccounts: boolean;
  /** Owners and admins must have signed in with a second factor. */
  needsSecondFactor: boolean;
}

export function staffAccess(role: StaffRole): StaffAccess {
  return {
    role,
    manageStaff: role === 'owner',
    change: role === 'owner' || role === 'admin',
    protectAccounts: true,
    needsSecondFactor: role !== 'support',
  };
}
