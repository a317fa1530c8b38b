import type { Pools, Queryable } from '../../infra/db.js';
import type { StaffRole } from '../audit/audit-store.js';

export interface StaffRow {
  id: number;
  email: string;
  role: StaffRole;
  status: 'active' | 'suspended';
  totp_enabled_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, email, role, status, totp_enabled_at, created_at';

/** Staff are users with a role. */
export function createStaffStore({ pools }: { pools: Pools }) {
  return {
    async list(): Promise<StaffRow[]> {
      return (await pools.primary.query<StaffRow>(`SELECT ${COLUMNS} FROM users WHERE role IS NOT NULL ORDER BY id`)).rows;
    },

    /** The user by address (any case), created when missing; locked for the change. */
    async findOrCreate(tx: Queryable, email: string): Promise<{ id: number; email: string; role: StaffRole | null; has_password: boolean }> {
      await tx.query('INSERT INTO users (email) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)) ON CONFLICT DO NOTHING', [
        email,
      ]);
      const { rows } = await tx.query<{ id: number; email: string; role: StaffRole | null; has_password: boolean }>(
        `SELECT id, email, role, password_hash IS NOT NULL AS has_password FROM users WHERE lower(email) = lower($1) ORDER BY id LIMIT 1 FOR UPDATE`,
        [email],
      );
      return rows[0]!;
    },

    async lock(tx: Queryable, id: number): Promise<{ id: number; email: string; role: StaffRole | null } | undefined> {
      return (await tx.query<{ id: number; email: string; role: StaffRole | null }>('SELECT id, email, role FROM users WHERE id = $1 FOR UPDATE', [id]))
        .rows[0];
    },

    /** Sets or clears the role; an owner made by a command has their address taken as verified. */
    async setRole(tx: Queryable, id: number, role: StaffRole | null): Promise<StaffRow> {
      const { rows } = await tx.query<StaffRow>(`UPDATE users SET role = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, role]);
      return rows[0]!;
    },

    /** Owners other than this user, counted under a lock so that two demotions at once cannot remove the last one. */
    async otherOwners(tx: Queryable, id: number): Promise<number> {
      const { rows } = await tx.query<{ id: number }>(`SELECT id FROM users WHERE role = 'owner' AND status = 'active' AND id <> $1 FOR UPDATE`, [id]);
      return rows.length;
    },
  };
}

export type StaffStore = ReturnType<typeof createStaffStore>;

export function staffView(s: StaffRow) {
  return {
    id: s.id,
    email: s.email,
    role: s.role,
    status: s.status,
    totp_enabled: s.totp_enabled_at !== null,
    created_at: s.created_at.toISOString(),
  };
}
