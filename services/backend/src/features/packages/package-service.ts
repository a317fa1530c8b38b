import { isOnSale, type Package, type PackageStore } from './package-store.js';
import type { PeriodDetail, UserPackageStore } from './user-package-store.js';

/**
 * What other features read of packages: a package, those on sale, a person's periods.
 * Granting is grant-service.ts; staff's changes are package-admin-service.ts.
 */
export function createPackageService({
  packages,
  userPackages,
}: {
  packages: Pick<PackageStore, 'get' | 'listOnSale'>;
  userPackages: Pick<UserPackageStore, 'listDetailed'>;
}) {
  return {
    get: (id: number): Promise<Package | undefined> => packages.get(id),

    /** The package when it is on sale for money (what an order may buy); a free one is granted, or redeemed with a code. */
    async getOnSale(id: number): Promise<Package | undefined> {
      const pkg = await packages.get(id);
      return pkg && isOnSale(pkg) ? pkg : undefined;
    },

    listOnSale: (): Promise<Package[]> => packages.listOnSale(),

    /** Every period of the person with its package and origin, oldest first. */
    periodsOf: (userId: number): Promise<PeriodDetail[]> => userPackages.listDetailed(userId),
  };
}

export type PackageService = ReturnType<typeof createPackageService>;
