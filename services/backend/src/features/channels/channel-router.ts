import { type ApiPath, speaks } from './channel-request.js';
import type { RuntimeChannel } from './channel-types.js';

/** A channel serves a model it lists, or every model when it lists none; a call without a model goes to any. */
export const serves = (c: RuntimeChannel, model: string | undefined) => model === undefined || c.models.length === 0 || c.models.includes(model);

/** Weighted random order within one tier: each pick is drawn in proportion to weight among those left. */
function weighted(tier: RuntimeChannel[], random: () => number): RuntimeChannel[] {
  const pool = [...tier];
  const order: RuntimeChannel[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, c) => sum + c.weight, 0);
    let pick = random() * total;
    const index = pool.findIndex((c) => (pick -= c.weight) < 0);
    order.push(...pool.splice(index < 0 ? pool.length - 1 : index, 1));
  }
  return order;
}

/**
 * The channels that serve `model` in the API of `path`, in the order to try them: the
 * highest priority tier first, weighted within each tier. `preferred` (the channel a
 * conversation sticks to) goes first when it serves the model.
 */
export function channelOrder(
  channels: readonly RuntimeChannel[],
  model: string | undefined,
  preferred?: string,
  random = Math.random,
  path: ApiPath = '/chat/completions',
): RuntimeChannel[] {
  const tiers = new Map<number, RuntimeChannel[]>();
  for (const c of channels) if (serves(c, model) && speaks(c, path)) tiers.set(c.priority, [...(tiers.get(c.priority) ?? []), c]);
  const order = [...tiers.entries()].sort(([a], [b]) => b - a).flatMap(([, tier]) => weighted(tier, random));
  const first = preferred === undefined ? -1 : order.findIndex((c) => c.key === preferred);
  if (first > 0) order.unshift(...order.splice(first, 1));
  return order;
}
