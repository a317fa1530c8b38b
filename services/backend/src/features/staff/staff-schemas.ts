import { z } from 'zod';
import { STAFF_ROLES } from '../../domain/staff-roles.js';

const role = z.enum(STAFF_ROLES);
/** POST /api/admin/staff: an existing account given a role. */
export const appointStaffRequest = z.object({ email: z.string().trim().toLowerCase().email().max(320), role });
/** PATCH /api/admin/staff/:id: a new role, or null to remove it. */
export const staffRoleChange = z.object({ role: role.nullable() });
