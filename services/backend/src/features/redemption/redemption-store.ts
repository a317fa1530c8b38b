import { randomBytes } from 'node:crypto';
import type { Pools, PoolClient, Queryable } from '../../infra/db.js';

// No 0/O/1/I: codes are read aloud and typed by hand.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** XXXX-XXXX-XXXX-XXXX: 80 bits of randomness. */
export function newRedemptionCode(): string {
  const bytes = randomBytes(16);
  let code = '';
  for (let i = 0; i < 16; i += 1) code += ALPHABET[bytes[i]! % ALPHABET.length];
  return code.match(/.{4}/g)!.join('-');
}

export interface CodeRow {
  id: number;
  code: string;
  package_id: number;
  batch_name: string;
  status: 'unused' | 'redeemed' | 'void';
  created_at: Date;
  redeemed_by: number | null;
  redeemed_by_email: string | null;
  redeemed_at: Date | null;
}

export function createRedemptionStore({ pools }: { pools: Pools }) {
  return {
    async createBatch(packageId: number, count: number, batchName = '', db: Queryable = pools.primary): Promise<string[]> {
      const codes = Array.from({ length: count }, newRedemptionCode);
      const { rows } = await db.query<{ code: string }>(
        `INSERT INTO redemption_codes (code, package_id, batch_name) SELECT unnest($1::text[]), $2, $3 RETURNING code`,
        [codes, packageId, batchName],
      );
      return rows.map((r) => r.code);
    },

    /** Codes with who redeemed them, newest first (keyset on id); optionally one batch or status. */
    async list(f: { batchName?: string; status?: CodeRow['status']; packageId?: number; beforeId?: number; limit: number }): Promise<CodeRow[]> {
      const { rows } = await pools.primary.query<CodeRow>(
        `SELECT c.id, c.code, c.package_id, c.batch_name, c.status, c.created_at, c.redeemed_by, u.email AS redeemed_by_email, c.redeemed_at
           FROM redemption_codes c LEFT JOIN users u ON u.id = c.redeemed_by
          WHERE ($1::text IS NULL OR c.batch_name = $1)
            AND ($2::text IS NULL OR c.status = $2)
            AND ($3::bigint IS NULL OR c.package_id = $3)
            AND ($4::bigint IS NULL OR c.id < $4)
          ORDER BY c.id DESC
          LIMIT $5`,
        [f.batchName ?? null, f.status ?? null, f.packageId ?? null, f.beforeId ?? null, f.limit],
      );
      return rows;
    },

    /** Voids the batch's (or the listed) codes that are still unused; the codes voided. */
    async voidUnused(tx: Queryable, target: { batchName: string } | { codes: string[] }): Promise<string[]> {
      const { rows } = await tx.query<{ code: string }>(
        'batchName' in target
          ? `UPDATE redemption_codes SET status = 'void' WHERE batch_name = $1 AND status = 'unused' RETURNING code`
          : `UPDATE redemption_codes SET status = 'void' WHERE code = ANY($1) AND status = 'unused' RETURNING code`,
        ['batchName' in target ? target.batchName : target.codes],
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
      // A voided code is as good as unknown.
      const exists = await tx.query(`SELECT 1 FROM redemption_codes WHERE code = $1 AND status = 'redeemed'`, [code]);
      return exists.rowCount ? 'used' : undefined;
    },

    async linkPeriod(tx: PoolClient, codeId: number, userPackageId: number): Promise<void> {
      await tx.query('UPDATE redemption_codes SET user_package_id = $2 WHERE id = $1', [codeId, userPackageId]);
    },
  };
}

export type RedemptionStore = ReturnType<typeof createRedemptionStore>;
