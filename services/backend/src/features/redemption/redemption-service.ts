import { withTransaction, type Pools } from '../../infra/db.js';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import type { GrantService } from '../packages/grant-service.js';
import type { Package, PackageStore } from '../packages/package-store.js';
import type { PackagePeriod } from '../packages/user-package-store.js';
import type { RedemptionStore } from './redemption-store.js';

interface Deps {
  pools: Pools;
  codes: RedemptionStore;
  packages: Pick<PackageStore, 'get'>;
  grants: GrantService;
}

/** Redeeming a code: its package, queued after any current one; each code once. */
export function createRedemptionService({ pools, codes, packages, grants }: Deps) {
  return {
    async redeem(userId: number, code: string): Promise<{ period: PackagePeriod; pkg: Package }> {
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
