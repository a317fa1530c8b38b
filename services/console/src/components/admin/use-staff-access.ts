import { useLoadedSession } from '../../hooks/api/session/queries';
import { type StaffAccess, staffAccess } from '../../lib/staff-access';

/** What the signed-in staff member's role may do (the admin area renders for staff only). */
export function useStaffAccess(): StaffAccess {
  const { user } = useLoadedSession();
  if (!user?.role) throw new Error('useStaffAccess is used outside the admin area');
  return staffAccess(user.role);
}
