import type { Pools, Queryable } from '../../infra/db.js';

export interface User {
  id: number;
  email: string;
  status: 'active' | 'suspended';
  created_at: Date;
}

const COLUMNS = 'id, email, status, created_at';

export function createUserStore({ pools }: { pools: Pools }) {
  return {
    /** The new user, or undefined when the email is taken. */
    async create(email: string, db: Queryable = pools.primary): Promise<User | undefined> {
      const { rows } = await db.query<User>(
        `INSERT INTO users (email) VALUES ($1)
         ON CONFLICT (email) DO NOTHING
         RETURNING ${COLUMNS}`,
        [email],
      );
      return rows[0];
    },

    async get(id: number): Promise<User | undefined> {
      return (await pools.primary.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id])).rows[0];
    },

    /**
     * Staff's list: newest first, by id (keyset: ids below `beforeId`), matching an id (a
     * query of digits) or else a fragment of the e-mail address, and a status. On the primary: staff look for the user they
     * just created.
     */
    async search(f: { q?: string; status?: User['status']; beforeId?: number; limit: number }): Promise<User[]> {
      const id = f.q && /^[0-9]{1,15}$/.test(f.q) ? Number(f.q) : null;
      const { rows } = await pools.primary.query<User>(
        `SELECT ${COLUMNS} FROM users
          WHERE (CASE WHEN $2::bigint IS NOT NULL THEN id = $2 ELSE $1::text IS NULL OR lower(email) LIKE '%' || lower($1) || '%' END)
            AND ($3::text IS NULL OR status = $3)
            AND ($4::bigint IS NULL OR id < $4)
          ORDER BY id DESC
          LIMIT $5`,
        [f.q ? f.q.replace(/[\\%_]/g, (c) => `\\${c}`) : null, id, f.status ?? null, f.beforeId ?? null, f.limit],
      );
      return rows;
    },

    /** The e-mail addresses of these users, by id (lists that name their customers: orders). */
    async emails(ids: readonly number[]): Promise<Map<number, string>> {
      if (ids.length === 0) return new Map();
      const { rows } = await pools.reader.query<{ id: number; email: string }>('SELECT id, email FROM users WHERE id = ANY($1::bigint[])', [[...new Set(ids)]]);
      return new Map(rows.map((r) => [r.id, r.email]));
    },

    /** Read on the primary: a user created a moment ago is often used at once. */
    async exists(id: number): Promise<boolean> {
      const { rowCount } = await pools.primary.query('SELECT 1 FROM users WHERE id = $1', [id]);
      return rowCount === 1;
    },

    /** Suspends or resumes an account; the user as it is now, or undefined if there is none. */
    async setStatus(id: number, status: User['status'], db: Queryable = pools.primary): Promise<User | undefined> {
      const { rows } = await db.query<User>(
        `UPDATE users SET status = $2, status_changed_at = CASE WHEN status = $2 THEN status_changed_at ELSE now() END
          WHERE id = $1
          RETURNING ${COLUMNS}`,
        [id, status],
      );
      return rows[0];
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
