import { z } from 'zod';
import { instant, text } from '../../infra/input-fields.js';

/** POST /api/admin/users/:id/api-keys (the body may be left out). */
export const issueKeyRequest = z.object({ name: text().trim().max(200).default(''), expires_at: instant().optional() });
