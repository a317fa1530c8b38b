import type { Logger } from '../../infra/logger.js';
import type { Metrics } from '../../infra/metrics.js';
import { costMicros, unitCostMicros } from '../../domain/money.js';
import type { ChannelReply } from '../channels/channel-sender.js';
import type { ApiKeyAuth } from '../keys/api-key-auth.js';
import type { ModelPrice } from '../models/model-catalogue.js';
import type { QuotaService } from '../quota/quota-service.js';
import type { Headroom } from '../quota/headroom.js';
import type { Reservation } from '../quota/quota-types.js';
import type { UsageRecorder } from '../usage/usage-recorder.js';
import { type AbandonedAnswers, HangUp } from './hang-up.js';
import type { RelayRequest } from './relay-request.js';
import { UsageMeter } from './usage-meter.js';

/** The status a request is recorded with when its client left before the answer was complete. */
export const CLIENT_CLOSED = 499;

/**
 * What a finished request is charged, when the upstream reported no usage: the request
 * itself (daily request limit), the prompt estimate, the output reserved (an answer the
 * gateway cut off after its client left: hang-up.ts).
 */
export interface Charge {
  request: boolean;
  prompt: boolean;
  reserve: boolean;
}
export const SERVED: Charge = { request: true, prompt: true, reserve: false };
export const NOT_SERVED: Charge = { request: false, prompt: false, reserve: false };
export const CUT: Charge = { request: true, prompt: true, reserve: true };

export interface SettlementDeps {
  quota: Pick<QuotaService, 'settle'>;
  recorder: Pick<UsageRecorder, 'record'>;
  metrics: Metrics;
  logger: Logger;
  /** How long an answer is read on after its client hung up (hang-up.ts). */
  hangupReadTimeoutMs: number;
  /** The answers read on for clients that left, stopped at shutdown. */
  abandoned: AbandonedAnswers;
}

/** An admitted request: who, what, and what it reserved. */
export interface Admitted {
  requestId: string;
  auth: ApiKeyAuth;
  day: string;
  request: RelayRequest;
  reservation: Reservation;
  /** The catalogue's price of the model (a model without one is not served). */
  price: ModelPrice;
  /** What the request reserved: its prompt (with the conversation it continues) and the most output it may write. */
  estimate: { promptTokens: number; outputTokens: number };
  /** What is left of the plan's limits once this request was admitted (undefined while Redis is away): the rate-limit headers. */
  headroom?: Headroom;
}

/**
 * The close of a metered request: the reservation settled to what the answer used (or
 * refunded, for an answer that does not count) and the request recorded, once, before the
 * last byte of the answer leaves. It holds what decides the bill: the meter the adapter
 * reads the answer into, and whether the client left (hang-up.ts).
 */
export class Settlement {
  readonly started = Date.now();
  readonly meter: UsageMeter;
  /** Stops the upstream: the client left and a bound was reached, or the answer is over. */
  readonly abort = new AbortController();
  readonly hangUp: HangUp;
  /** The channel's answer, once one came. */
  servedBy: ChannelReply | undefined;
  private settled: Promise<void> | undefined;

  constructor(
    private readonly deps: SettlementDeps,
    readonly admitted: Admitted,
  ) {
    this.hangUp = new HangUp(this.abort, deps.hangupReadTimeoutMs, deps.abandoned.reading);
    this.meter = new UsageMeter(admitted.request.units?.planned);
  }

  /** Settles the reservation and records the request, once. */
  finish(statusCode: number, charge: Charge): Promise<void> {
    this.settled ??= this.settle(statusCode, charge);
    return this.settled;
  }

  get done(): boolean {
    return this.settled !== undefined;
  }

  private async settle(statusCode: number, charge: Charge): Promise<void> {
    const { deps, admitted: x, meter, hangUp } = this;
    hangUp.settling();
    const usage = meter.usage(x.estimate.promptTokens, { prompt: charge.prompt, reservedOutput: charge.reserve ? x.estimate.outputTokens : 0 });
    const cost = costMicros(x.price, usage) + (usage.units ? (unitCostMicros(x.price, usage.units) ?? 0) : 0);
    deps.metrics.gateway.tokens.inc({ kind: 'prompt' }, usage.promptTokens);
    deps.metrics.gateway.tokens.inc({ kind: 'completion' }, usage.completionTokens);
    if (this.servedBy && charge.request && meter.responseId) {
      // A continuation reads this whole conversation again as its prompt.
      this.servedBy.keepResponse(meter.responseId, usage.promptTokens + usage.completionTokens);
    }
    const results = await Promise.allSettled([
      deps.quota.settle(x.reservation, { ...usage, costMicros: cost }, !charge.request),
      deps.recorder.record({
        requestId: x.requestId,
        userId: x.auth.userId,
        apiKeyId: x.auth.keyId,
        model: x.request.model,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        cachedTokens: usage.cachedTokens,
        cacheWriteTokens: usage.cacheWriteTokens,
        reasoningTokens: usage.reasoningTokens,
        unit: usage.units?.unit ?? '',
        units: usage.units?.count ?? 0,
        costMicros: cost,
        channel: this.servedBy?.channel ?? '',
        statusCode: hangUp.left ? CLIENT_CLOSED : statusCode,
        latencyMs: Date.now() - this.started,
        stream: x.request.stream,
        createdAt: this.started,
        usageDate: x.day,
        billed: charge.request,
        requestCounted: x.reservation.inPostgres,
        refusal: '',
      }),
    ]);
    for (const r of results)
      if (r.status === 'rejected') deps.logger.error({ err: (r.reason as Error).message, requestId: x.requestId }, 'usage settlement failed');
    hangUp.done();
  }
}
