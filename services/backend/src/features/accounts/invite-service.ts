import type { Actor } from '../../domain/staff-roles.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { InviteStore } from './invite-store.js';

/** Invite codes for SIGNUP_MODE=invite, made by staff and audited. */
export function createInviteService({ invites, change }: { invites: Pick<InviteStore, 'create'>; change: AuditedChange }) {
  return {
    create: (actor: Actor, i: { count: number; maxUses: number; note: string; expiresAt: Date | null }) =>
      change(actor, async (tx) => {
        const rows = await invites.create(i, tx);
        const after = { count: rows.length, max_uses: i.maxUses, note: i.note };
        return { entry: { action: 'signup_invites.create', targetType: 'signup_invites', targetId: i.note || '-', after }, result: rows };
      }),
  };
}

export type InviteService = ReturnType<typeof createInviteService>;
