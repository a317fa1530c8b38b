import { z } from 'zod';
import { int8, text } from '../../infra/input-fields.js';

/** POST /api/admin/signup-invites (the body may be left out): codes for invite-only sign-up. */
export const newInvitesRequest = z.object({
  count: z.number().int().min(1).max(1000).default(1),
  max_uses: int8().min(1).max(1_000_000).default(1),
  note: text().max(200).default(''),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
});
