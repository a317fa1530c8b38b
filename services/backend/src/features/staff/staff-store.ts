import type { StaffRole } from '../../domain/staff-roles.js';
import type { Pools, Queryable } from '../../infra/db.js';
import type { StaffTarget } from './staff-rules.js';

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
  /** Locks every active owner, always in id order (two changes at once wait for each other instead of deadlocking). */
  async function lockActiveOwners(tx: Queryable): Promise<number[]> {
    const { rows } = await tx.query<{ id: number }>(`SELECT id FROM users WHERE role = 'owner' AND status = 'active' ORDER BY id FOR UPDATE`);
    return rows.map((r) => Number(r.id));
  }

  async function lockUser(tx: Queryable, where: string, value: string | number, activeOwners: number[]): Promise<StaffTarget | undefined> {
    const { rows } = await tx.query<Omit<StaffTarget, 'activeOwners'>>(
      `SELECT id, email, role, status FROM users WHERE ${where} ORDER BY id LIMIT 1 FOR UPDATE`,
      [value],
    );
    return rows[0] && { ...rows[0], id: Number(rows[0].id), activeOwners };
  }

  return {
    async list(): Promise<StaffRow[]> {
      return (await pools.primary.query<StaffRow>(`SELECT ${COLUMNS} FROM users WHERE role IS NOT NULL ORDER BY id`)).rows;
    },

    /**
     * The person, locked for a change to their role or account, with every active owner
     * locked first: whatever the path (a role change, an appointment, a suspension), the
     * changes that could remove the last owner run one after another.
     */
    async lockForChange(tx: Queryable, id: number): Promise<StaffTarget | undefined> {
      return lockUser(tx, 'id = $1', id, await lockActiveOwners(tx));
    },

    /** As lockForChange, by address (any case), creating the user when missing; whether they have a password. */
    async lockOrCreateByEmail(tx: Queryable, email: string): Promise<StaffTarget & { has_password: boolean }> {
      const owners = await lockActiveOwners(tx);
      await tx.query('INSERT INTO users (email) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1)) ON CONFLICT DO NOTHING', [
        email,
      ]);
      const target = (await lockUser(tx, 'lower(email) = lower($1)', email, owners))!;
      const { rows } = await tx.query<{ has_password: boolean }>('SELECT password_hash IS NOT NULL AS has_password FROM users WHERE id = $1', [target.id]);
      return { ...target, has_password: rows[0]!.has_password };
    },

    async setRole(tx: Queryable, id: number, role: StaffRole | null): Promise<StaffRow> {
      const { rows } = await tx.query<StaffRow>(`UPDATE users SET role = $2 WHERE id = $1 RETURNING ${COLUMNS}`, [id, role]);
      return rows[0]!;
    },
  };
}

export type StaffStore = ReturnType<typeof createStaffStore>;
