import type { PoolClient } from '../../infra/db.js';
import { businessDay } from '../../domain/business-day.js';
import type { EntitlementService } from './entitlement-service.js';
import type { PackagePeriod, UserPackageStore } from './user-package-store.js';

/**
 * Granting a package — by staff, a redemption code or a payment — in one place: the period
 * (with the package's terms as they are now) starts today or after the user's last one,
 * inside the caller's transaction; a refund ends what an order granted. Once that commits,
 * `announce` tells every worker of every replica to forget what it knew of the user's packages.
 */
export function createGrantService({
  userPackages,
  entitlements,
  timeZone,
}: {
  userPackages: Pick<UserPackageStore, 'grant' | 'refundOrder'>;
  entitlements: Pick<EntitlementService, 'invalidate'>;
  timeZone: string;
}) {
  return {
    /** The new period, or undefined when the user or the package does not exist. */
    grantWithin(tx: PoolClient, userId: number, packageId: number, orderId: number | null = null): Promise<PackagePeriod | undefined> {
      return userPackages.grant(userId, { id: packageId }, businessDay(timeZone), orderId, tx);
    },

    /** Ends the periods an order bought (it was refunded): they no longer count, today or later. The number ended. */
    endOrderWithin: (tx: PoolClient, orderId: number): Promise<number> => userPackages.refundOrder(tx, orderId),

    announce: (userId: number) => entitlements.invalidate(userId),
  };
}

export type GrantService = ReturnType<typeof createGrantService>;
