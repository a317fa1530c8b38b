import { randomBytes } from 'node:crypto';
import type { Pools, PoolClient } from '../../infra/db.js';

// No 0/O/1/I: codes are read aloud and typed by hand.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** XXXX-XXXX-XXXX-XXXX: 80 bits of randomness. */
export function newRedemptionCode(): string {
  const bytes = randomBytes(16);
  let code = '';
  for (let i = 0; i < 16; i += 1) code += ALPHABET[bytes[i]! % ALPHABET.length];
  return code.match(/.{4}/g)!.join('-');
}

export function createRedemptionStore({ pools }: { pools: Pools }) {
  return {
    async createBatch(packageId: number, count: number): Promise<string[]> {
      const codes = Array.from({ length: count }, newRedemptionCode);
      const { rows } = await pools.primary.query<{ code: string }>(
        `INSERT INTO redemption_codes (code, package_id) SELECT unnest($1::text[]), $2 RETURNING code`,
        [codes, packageId],
      );
      return rows.map((r) => r.code);
    },

    /**
     * Marks an unused code redeemed by the user; the package id it grants, or undefined when
     * the code is unknown or used. The row lock makes two redemptions at once use it once.
     */
    async take(tx: PoolClient, code: string, userId: number): Promise<{ id: number; package_id: number } | 'used' | undefined> {
      const { rows } = await tx.query<{ id: number; package_id: number }>(
        `UPDATE redemption_codes SET status = 'redeemed', redeemed_by = $2, redeemed_at = now()
          WHERE code = $1 AND status = 'unused'
          RETURNING id, package_id`,
        [code, userId],
      );
      if (rows[0]) return rows[0];
      const exists = await tx.query('SELECT 1 FROM redemption_codes WHERE code = $1', [code]);
      return exists.rowCount ? 'used' : undefined;
    },

    async linkPeriod(tx: PoolClient, codeId: number, userPackageId: number): Promise<void> {
      await tx.query('UPDATE redemption_codes SET user_package_id = $2 WHERE id = $1', [codeId, userPackageId]);
    },
  };
}

export type RedemptionStore = ReturnType<typeof createRedemptionStore>;
