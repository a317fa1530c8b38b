import { randomBytes } from 'node:crypto';
import type { Pools, Queryable } from '../../infra/db.js';

/** Invite codes for sign-up in "invite" mode: each may be used up to max_uses times. */
export function createInviteStore({ pools }: { pools: Pools }) {
  return {
    async create(i: { count: number; maxUses: number; note: string; expiresAt: Date | null }, db: Queryable = pools.primary) {
      const codes = Array.from({ length: i.count }, () => `INV-${randomBytes(6).toString('hex').toUpperCase()}`);
      const { rows } = await db.query<{ code: string; max_uses: number; expires_at: Date | null; note: string }>(
        `INSERT INTO signup_invites (code, max_uses, note, expires_at)
         SELECT unnest($1::text[]), $2, $3, $4
         RETURNING code, max_uses, expires_at, note`,
        [codes, i.maxUses, i.note, i.expiresAt],
      );
      return rows;
    },

    /** Whether the code would work now, without using it: checked before costly work. */
    async usable(code: string, db: Queryable = pools.primary): Promise<boolean> {
      const { rowCount } = await db.query(`SELECT 1 FROM signup_invites WHERE code = $1 AND uses < max_uses AND (expires_at IS NULL OR expires_at > now())`, [
        code.trim().toUpperCase(),
      ]);
      return rowCount === 1;
    },

    /** Uses the code once; false when it does not exist, is used up or expired. */
    async use(db: Queryable, code: string): Promise<boolean> {
      const { rowCount } = await db.query(
        `UPDATE signup_invites SET uses = uses + 1
          WHERE code = $1 AND uses < max_uses AND (expires_at IS NULL OR expires_at > now())`,
        [code.trim().toUpperCase()],
      );
      return rowCount === 1;
    },
  };
}

export type InviteStore = ReturnType<typeof createInviteStore>;
