import type { InvalidationBus } from '../../infra/invalidation.js';
import { TtlCache } from '../../infra/ttl-cache.js';
import { type Entitlement, entitlementOn } from '../../domain/entitlement.js';
import type { UserPackageStore } from './user-package-store.js';

/**
 * Which package is in effect for a user today. Each worker caches a user's current and
 * queued periods; granting, paying or refunding publishes an invalidation that reaches
 * every worker at once.
 */
export function createEntitlementService({ userPackageStore, bus, ttlMs }: { userPackageStore: UserPackageStore; bus: InvalidationBus; ttlMs: number }) {
  const cache = new TtlCache<{ day: string; periods: Entitlement[] }>(ttlMs);
  bus.on('user', (userId) => cache.delete(userId));
  bus.onResync(() => cache.clear());

  return {
    async active(userId: number, today: string): Promise<Entitlement | undefined> {
      let entry = cache.get(String(userId));
      if (!entry || entry.day > today) {
        const generation = bus.generation();
        try {
          entry = { day: today, periods: await userPackageStore.entitlements(userId, today) };
        } catch (err) {
          // The primary is away: what this worker last knew beats refusing a paying customer.
          const stale = cache.stale(String(userId));
          if (!stale) throw err;
          return entitlementOn(stale.periods, today);
        }
        if (bus.generation() === generation) cache.set(String(userId), entry);
      }
      return entitlementOn(entry.periods, today);
    },

    /** Every worker forgets what it knew of this user's packages. */
    invalidate: (userId: number) => bus.publish('user', String(userId)),
  };
}

export type EntitlementService = ReturnType<typeof createEntitlementService>;
