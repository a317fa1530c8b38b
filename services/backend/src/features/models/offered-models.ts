import { businessDay } from '../../domain/business-day.js';
import type { Entitlement } from '../../domain/entitlement.js';
import { isFamily, type ModelCatalogue, type ModelPrice, modelAllowed } from './model-catalogue.js';

interface Deps {
  /** The packages feature's entitlement in effect for the user on the business day `today`. */
  entitlementOn: (userId: number, today: string) => Promise<Pick<Entitlement, 'models'> | undefined>;
  catalogue: Pick<ModelCatalogue, 'list'>;
  /** Whether some channel serves the model (the channels answer it). */
  serves: (model: string) => Promise<boolean>;
  timeZone: string;
}

/**
 * The models a customer may use today: enabled catalogue entries listed by name (families
 * are served, not listed) that the package in effect allows and some channel serves. One
 * rule for /v1/models and for the console's client snippets.
 */
export function createOfferedModels({ entitlementOn, catalogue, serves, timeZone }: Deps) {
  return {
    async list(userId: number): Promise<ModelPrice[]> {
      const entitlement = await entitlementOn(userId, businessDay(timeZone));
      if (!entitlement) return [];
      const listed: ModelPrice[] = [];
      for (const m of await catalogue.list()) {
        if (m.enabled && !isFamily(m.name) && modelAllowed(entitlement.models, m.name, m.name) && (await serves(m.name))) listed.push(m);
      }
      return listed;
    },
  };
}

export type OfferedModels = ReturnType<typeof createOfferedModels>;
