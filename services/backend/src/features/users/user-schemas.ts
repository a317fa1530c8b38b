import { z } from 'zod';
import { queryInt, text } from '../../infra/input-fields.js';

/** GET /api/admin/users?q&status&before&limit. */
export const userSearchQuery = z.object({
  q: text().trim().min(1).max(320).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 200).default(50),
});

/** POST /api/admin/users. */
export const newUserRequest = z.object({ email: z.string().trim().toLowerCase().email().max(320) });
