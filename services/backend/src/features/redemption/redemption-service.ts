import { withTransaction, type Pools } from '../../infra/db.js';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import type { Actor } from '../../domain/staff-roles.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { GrantService } from '../packages/grant-service.js';
import type { PackageService } from '../packages/package-service.js';
import type { RedemptionStore } from './redemption-store.js';

interface Deps {
  pools: Pools;
  codes: RedemptionStore;
  packages: Pick<PackageService, 'get'>;
  grants: GrantService;
  change: AuditedChange;
}

/**
 * Redemption codes: redeeming one (its package, queued after any current one; each code
 * once), and staff's named batches and voiding of unused codes, audited.
 */
export function createRedemptionService({ pools, codes, packages, grants, change }: Deps) {
  return {
    async createBatch(actor: Actor, packageId: number, count: number, batchName: string): Promise<string[]> {
      if (!(await packages.get(packageId))) throw new NotFoundError('No such package.', 'package_not_found');
      return change(actor, async (tx) => {
        const batch = await codes.createBatch(packageId, count, batchName, tx);
        const after = { package_id: packageId, batch_name: batchName, count: batch.length };
        return { entry: { action: 'redemption_codes.create', targetType: 'package', targetId: packageId, after }, result: batch };
      });
    },

    /** The codes voided: the unused ones of a batch, or of a list. */
    voidUnused: (actor: Actor, target: { batchName: string } | { codes: string[] }) =>
      change(actor, async (tx) => {
        const done = await codes.voidUnused(tx, target);
        const targetId = 'batchName' in target ? target.batchName : `${target.codes.length} codes`;
        return { entry: { action: 'redemption_codes.void', targetType: 'redemption_batch', targetId, after: { voided: done.length } }, result: done };
      }),

    async redeem(userId: number, code: string) {
      const result = await withTransaction(pools.primary, async (tx) => {
        const taken = await codes.take(tx, code, userId);
        if (taken === undefined) throw new NotFoundError('No such redemption code.', 'code_not_found');
        if (taken === 'used') throw new HttpError(409, 'This code has already been redeemed.', 'invalid_request_error', 'code_already_redeemed');
        const pkg = await packages.get(taken.package_id);
        if (!pkg) throw new NotFoundError('The package of this code no longer exists.', 'package_not_found');
        const period = await grants.grantWithin(tx, userId, pkg.id);
        await codes.linkPeriod(tx, taken.id, period!.id);
        return { period: period!, pkg };
      });
      await grants.announce(userId);
      return result;
    },
  };
}

export type RedemptionService = ReturnType<typeof createRedemptionService>;
