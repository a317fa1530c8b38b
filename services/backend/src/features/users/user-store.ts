import type { Pools } from '../../infra/db.js';

export interface User {
  id: number;
  email: string;
  created_at: Date;
}

export function createUserStore({ pools }: { pools: Pools }) {
  return {
    /** The new user, or undefined when the email is taken. */
    async create(email: string): Promise<User | undefined> {
      const { rows } = await pools.primary.query<User>(
        `INSERT INTO users (email) VALUES ($1)
         ON CONFLICT (email) DO NOTHING
         RETURNING id, email, created_at`,
        [email],
      );
      return rows[0];
    },

    /** Read on the primary: a user created a moment ago is often used at once. */
    async exists(id: number): Promise<boolean> {
      const { rowCount } = await pools.primary.query('SELECT 1 FROM users WHERE id = $1', [id]);
      return rowCount === 1;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
