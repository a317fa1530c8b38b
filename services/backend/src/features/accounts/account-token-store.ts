import { createHmac, randomBytes } from 'node:crypto';
import type { Queryable } from '../../infra/db.js';

export type TokenPurpose = 'verify_email' | 'reset_password';

/**
 * Single-use links mailed to people. The token is 32 random bytes; only its HMAC under
 * the server's pepper is stored, so a copy of the database opens no account.
 */
export function createAccountTokenStore({ pepper }: { pepper: string }) {
  const digest = (token: string) => createHmac('sha256', pepper).update(`account-token:${token}`).digest('hex');

  return {
    /** A new token for the link; earlier unused ones of the same purpose stop working. */
    async issue(db: Queryable, userId: number, purpose: TokenPurpose, ttlMinutes: number): Promise<string> {
      const token = randomBytes(32).toString('base64url');
      await db.query(`UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, [userId, purpose]);
      await db.query(
        `INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(mins => $4))`,
        [userId, purpose, digest(token), ttlMinutes],
      );
      return token;
    },

    /** The user of a token that would still work, without using it up: checked before costly work. */
    async peek(db: Queryable, token: string, purpose: TokenPurpose): Promise<number | undefined> {
      const { rows } = await db.query<{ user_id: number }>(
        `SELECT user_id FROM account_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
        [digest(token), purpose],
      );
      return rows[0]?.user_id;
    },

    /** The user the token was issued to, once: a used, expired or unknown token gives undefined. */
    async consume(db: Queryable, token: string, purpose: TokenPurpose): Promise<number | undefined> {
      const { rows } = await db.query<{ user_id: number }>(
        `UPDATE account_tokens SET used_at = now()
          WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
          RETURNING user_id`,
        [digest(token), purpose],
      );
      return rows[0]?.user_id;
    },
  };
}

export type AccountTokenStore = ReturnType<typeof createAccountTokenStore>;
