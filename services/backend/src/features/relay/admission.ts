import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../infra/errors.js';
import type { Metrics } from '../../infra/metrics.js';
import { costMicros, type UnitCount, unitCostMicros } from '../../domain/money.js';
import type { Entitlement } from '../../domain/entitlement.js';
import type { ChannelSender, Conversation } from '../channels/channel-sender.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import { type ModelCatalogue, type ModelPrice, modelAllowed } from '../models/model-catalogue.js';
import type { EntitlementService } from '../packages/entitlement-service.js';
import { NoActivePackageError } from '../quota/quota-errors.js';
import { headroomOf } from '../quota/headroom.js';
import type { QuotaService } from '../quota/quota-service.js';
import { outputReserve, type RelayRequest } from './relay-request.js';
import type { Admitted } from './settlement.js';

export interface AdmissionDeps {
  entitlements: Pick<EntitlementService, 'active'>;
  catalogue: Pick<ModelCatalogue, 'resolve'>;
  channels: Pick<ChannelSender, 'conversation'>;
  quota: Pick<QuotaService, 'reserve'>;
  metrics: Metrics;
  completionTokenEstimate: number;
  /** The business day's zone: when the day's limits reset (the rate-limit headers). */
  timeZone: string;
}

/** A unit the model's entry does not sell: an image size or quality it does not price. */
function notSoldAs(model: string, units: UnitCount) {
  const what = units.unit === 'images' ? `images of size and quality ${units.variant ?? '*'}` : units.unit;
  return new BadRequestError(`The model '${model.slice(0, 256)}' is not sold for ${what} on this gateway.`, 'unit_not_sold');
}

export const modelNotFound = (model: string) =>
  new NotFoundError(`The model '${model.slice(0, 256)}' does not exist or you do not have access to it.`, 'model_not_found', 'model');

/**
 * The model as the caller may use it: sold by the catalogue (an enabled entry prices it),
 * and within the caller's plan. The refusal of a model nobody sells says nothing of what
 * any upstream knows.
 */
async function sold(deps: Pick<AdmissionDeps, 'catalogue' | 'metrics'>, entitlement: Entitlement, model: string): Promise<ModelPrice> {
  const price = await deps.catalogue.resolve(model);
  if (!price?.enabled) {
    deps.metrics.gateway.quotaRejections.inc({ reason: 'unknown_model' });
    throw modelNotFound(model);
  }
  if (!modelAllowed(entitlement.models, model, price.name)) {
    deps.metrics.gateway.quotaRejections.inc({ reason: 'model' });
    throw new ForbiddenError(`Your package does not include the model '${model}'.`, 'model_not_allowed');
  }
  return price;
}

/** The plan in effect for the caller today (a 429 without one), and the model's price if the plan may use it. */
export async function entitledTo(
  deps: Pick<AdmissionDeps, 'entitlements' | 'catalogue' | 'metrics'>,
  userId: number,
  day: string,
  model: string,
): Promise<{ entitlement: Entitlement; price: ModelPrice }> {
  const entitlement = await deps.entitlements.active(userId, day);
  if (!entitlement) {
    deps.metrics.gateway.quotaRejections.inc({ reason: 'no_package' });
    throw new NoActivePackageError();
  }
  return { entitlement, price: await sold(deps, entitlement, model) };
}

/**
 * Whether the request may go, and what it holds if so: the plan in effect and its models →
 * where the conversation lives (the channels) → every limit reserved at once, for all the
 * request can cost.
 */
export async function admit(
  deps: AdmissionDeps,
  who: { auth: ApiKeyAuth; day: string; requestId: string; clientHeaders: IncomingHttpHeaders },
  request: RelayRequest,
): Promise<Admitted & { conversation: Conversation }> {
  const { auth, day } = who;
  const { entitlement, price } = await entitledTo(deps, auth.userId, day, request.model);
  const conversation = await deps.channels.conversation(auth.userId, who.clientHeaders, request.routing);
  // All the request can cost: its prompt with the conversation it continues, and the most it may write (reasoning included).
  const estimate = {
    promptTokens: request.promptEstimate + conversation.contextTokens,
    // Sold by the unit: output tokens only as far as the entry says the model writes them (gpt-image-1's image tokens).
    outputTokens: request.units && price.maxOutputTokens === null ? 0 : outputReserve(request, price.maxOutputTokens, deps.completionTokenEstimate),
  };
  // Sold by the unit: what it can come to at most, at the entry's price (a size or quality the entry does not price is not sold).
  const ceiling = request.units?.ceiling;
  const unitCredits = ceiling ? unitCostMicros(price, ceiling) : 0;
  if (unitCredits === undefined) throw notSoldAs(request.model, ceiling!);
  const reservation = await deps.quota.reserve({
    userId: auth.userId,
    keyId: auth.keyId,
    day,
    entitlement,
    estimate: estimate.promptTokens + estimate.outputTokens,
    estimateCredits: costMicros(price, { promptTokens: estimate.promptTokens, cachedTokens: 0, completionTokens: estimate.outputTokens }) + unitCredits,
    stream: request.stream,
    requestId: who.requestId,
  });
  const headroom = reservation.counts ? headroomOf(entitlement, reservation.counts, deps.timeZone) : undefined;
  return { requestId: who.requestId, auth, day, request, reservation, price, estimate, conversation, headroom };
}
