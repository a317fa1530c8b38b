import { may, type StaffRole } from '@codex-gateway/backend/staff-roles';

/**
 * What the console offers a staff role: the backend's own permission table
 * (services/backend/src/domain/staff-roles.ts), so the two cannot drift. The server
 * decides in the end; the console only leaves out the buttons a role would see refused.
 */
export interface StaffAccess {
  role: StaffRole;
  /** Staff list, appointing, changing roles. */
  manageStaff: boolean;
  /** Money, packages, codes, creating users and issuing keys. */
  change: boolean;
  /** Suspend, resume, password-reset mail, revoke a key (on customers). */
  protectAccounts: boolean;
  /** Every staff role signs in with a second factor before the admin API opens. */
  needsSecondFactor: boolean;
}

export function staffAccess(role: StaffRole): StaffAccess {
  return {
    role,
    manageStaff: may(role, 'staff.manage'),
    change: may(role, 'packages.manage'),
    protectAccounts: may(role, 'users.protect'),
    needsSecondFactor: true,
  };
}
