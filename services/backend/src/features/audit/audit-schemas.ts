import { z } from 'zod';
import { instant, queryInt, text } from '../../infra/input-fields.js';

/** GET /api/admin/audit-log?actor&action&target_type&target_id&from&to&before&limit. */
export const auditQuery = z.object({
  actor: text().max(320).optional(),
  action: text().max(100).optional(),
  target_type: text().max(50).optional(),
  target_id: text().max(100).optional(),
  from: instant().optional(),
  to: instant().optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 500).default(100),
});
