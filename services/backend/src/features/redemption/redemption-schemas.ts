import { z } from 'zod';
import { int8, queryInt, text } from '../../infra/input-fields.js';

/** GET /api/admin/redemption-codes?batch&status&package_id&before&limit. */
export const codeListQuery = z.object({
  batch: text().max(100).optional(),
  status: z.enum(['unused', 'redeemed', 'void']).optional(),
  package_id: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 1000).default(100),
});
/** GET /api/admin/redemption-codes.csv: the same filters, every row. */
export const codeCsvQuery = codeListQuery.omit({ before: true, limit: true });

/** POST /api/admin/redemption-codes: a batch of codes for one package. */
export const newCodesRequest = z.object({
  package_id: int8().positive(),
  count: z.number().int().min(1).max(1000),
  batch_name: text().trim().max(100).default(''),
});
/** POST /api/admin/redemption-codes/void: by batch or by code. */
export const voidCodesRequest = z.union([
  z.object({ batch_name: text().trim().min(1).max(100) }),
  z.object({ codes: z.array(text().trim().toUpperCase().max(64)).min(1).max(1000) }),
]);
