import type { Pools, Queryable } from '../../infra/db.js';

/**
 * The second factor's rows: the sealed TOTP secret and its enabling on `users`, and the
 * hashed recovery codes. Every write is conditional on the state the caller saw, so two
 * requests racing (a setup in one tab, an enable in another, a reset by an operator) leave
 * one of their results whole, never a mixture.
 */
export function createSecondFactorStore({ pools }: { pools: Pools }) {
  return {
    /** Stores a new secret, not yet in force; false when a second factor is on (nothing written). */
    async setTotp(userId: number, sealed: string): Promise<boolean> {
      const { rowCount } = await pools.primary.query('UPDATE users SET totp_secret = $2 WHERE id = $1 AND totp_enabled_at IS NULL', [userId, sealed]);
      return rowCount === 1;
    },

    /** Turns on exactly this secret; false when it was replaced or turned on meanwhile. */
    async enableTotp(tx: Queryable, userId: number, sealed: string): Promise<boolean> {
      const { rowCount } = await tx.query('UPDATE users SET totp_enabled_at = now() WHERE id = $1 AND totp_secret = $2 AND totp_enabled_at IS NULL', [
        userId,
        sealed,
      ]);
      return rowCount === 1;
    },

    /** Locks the account's row for the transaction while this secret is in force; false when it is not. */
    async lockEnabled(tx: Queryable, userId: number, sealed: string): Promise<boolean> {
      const { rowCount } = await tx.query('SELECT 1 FROM users WHERE id = $1 AND totp_secret = $2 AND totp_enabled_at IS NOT NULL FOR UPDATE', [
        userId,
        sealed,
      ]);
      return rowCount === 1;
    },

    /** Turns the second factor off and forgets its secret and codes; whether one was on. */
    async clear(tx: Queryable, userId: number): Promise<boolean> {
      const { rows } = await tx.query<{ was_on: boolean }>('SELECT totp_enabled_at IS NOT NULL AS was_on FROM users WHERE id = $1 FOR UPDATE', [userId]);
      await tx.query('UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL WHERE id = $1', [userId]);
      await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
      return rows[0]?.was_on ?? false;
    },

    /** The user's recovery codes become these (hashed) ones; the old ones stop working. */
    async replaceRecoveryCodes(tx: Queryable, userId: number, hashes: string[]): Promise<void> {
      await tx.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
      await tx.query('INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])', [userId, hashes]);
    },

    /**
     * Uses a recovery code up. One statement: of two sign-ins racing with the same code, the
     * second waits for the first's row lock, then finds it used.
     */
    async useRecoveryCode(userId: number, hash: string): Promise<boolean> {
      const { rowCount } = await pools.primary.query(
        `UPDATE recovery_codes SET used_at = now()
          WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
            AND EXISTS (SELECT 1 FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL)`,
        [userId, hash],
      );
      return rowCount === 1;
    },

    async recoveryCodesLeft(userId: number): Promise<number> {
      const { rows } = await pools.primary.query<{ left: number }>('SELECT count(*)::int AS left FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL', [
        userId,
      ]);
      return rows[0]?.left ?? 0;
    },
  };
}

export type SecondFactorStore = ReturnType<typeof createSecondFactorStore>;
