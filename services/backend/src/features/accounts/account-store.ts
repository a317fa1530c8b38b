import type { Locale } from '../../contract/console-api.js';
import type { Pools, Queryable } from '../../infra/db.js';

export interface AccountRow {
  id: number;
  email: string;
  status: 'active' | 'suspended';
  password_hash: string | null;
  email_verified_at: Date | null;
  locale: Locale | null;
  created_at: Date;
  /** Staff only; null for customers. */
  role: 'owner' | 'admin' | 'support' | null;
  /** The TOTP secret, sealed (staff/totp.ts); null until enrolled. Written by staff/second-factor-store.ts. */
  totp_secret: string | null;
  totp_enabled_at: Date | null;
}

const COLUMNS = 'id, email, status, password_hash, email_verified_at, locale, created_at, role, totp_secret, totp_enabled_at';

/** Users as people who sign in: their password, verified address and language. */
export function createAccountStore({ pools }: { pools: Pools }) {
  return {
    /** On the primary: sign-in follows sign-up, verification and resets within seconds. */
    async findByEmail(email: string): Promise<AccountRow | undefined> {
      const { rows } = await pools.primary.query<AccountRow>(`SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1) ORDER BY id LIMIT 1`, [email]);
      return rows[0];
    },

    async findById(id: number, db: Queryable = pools.primary): Promise<AccountRow | undefined> {
      return (await db.query<AccountRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id])).rows[0];
    },

    /** The new account, or undefined when the address is taken (in any case). */
    async create(db: Queryable, a: { email: string; passwordHash: string; locale: Locale | null }): Promise<AccountRow | undefined> {
      const { rows } = await db.query<AccountRow>(
        `INSERT INTO users (email, password_hash, locale)
         SELECT $1, $2, $3
          WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($1))
         ON CONFLICT (email) DO NOTHING
         RETURNING ${COLUMNS}`,
        [a.email, a.passwordHash, a.locale],
      );
      return rows[0];
    },

    async markVerified(db: Queryable, id: number): Promise<AccountRow | undefined> {
      const { rows } = await db.query<AccountRow>(
        `UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return rows[0];
    },

    /** A new password; the address is verified too (the person read a mail sent to it). */
    async setPassword(db: Queryable, id: number, passwordHash: string): Promise<void> {
      await db.query('UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1', [id, passwordHash]);
    },
  };
}

export type AccountStore = ReturnType<typeof createAccountStore>;
