import type { Pools } from '../../infra/db.js';

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
    async create(email: string): Promise<User | undefined> {
      const { rows } = await pools.primary.query<User>(
        `INSERT INTO users (email) VALUES ($1)
         ON CONFLICT (email) DO NOTHING
         RETURNING ${COLUMNS}`,
        [email],
      );
      return rows[0];
    },

    /** Read on the primary: a user created a moment ago is often used at once. */
    async exists(id: number): Promise<boolean> {
      const { rowCount } = await pools.primary.query('SELECT 1 FROM users WHERE id = $1', [id]);
      return rowCount === 1;
    },

    /** Suspends or resumes an account; the user as it is now, or undefined if there is none. */
    async setStatus(id: number, status: User['status']): Promise<User | undefined> {
      const { rows } = await pools.primary.query<User>(
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
