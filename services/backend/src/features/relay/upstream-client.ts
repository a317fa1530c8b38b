import { retryAfterMs, type UpstreamPath } from '../channels/channel-request.js';
import { channelOrder, serves } from '../channels/channel-router.js';
import type { ChannelHealth } from '../channels/channel-health.js';
import { isTimeout, type ChannelAnswer, type ChannelTransport, type JsonBody } from '../channels/channel-transport.js';
import type { RuntimeChannel } from '../channels/channel-types.js';
import type { Affinity } from '../channels/session-affinity.js';
import { NotFoundError, UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';

export interface UpstreamCall {
  method: 'GET' | 'POST';
  path: UpstreamPath;
  body?: JsonBody;
  /** Chooses the channels (and their model map); absent for calls any channel answers. */
  model?: string;
  /** Client headers from the allow-list. */
  headers?: Record<string, string>;
  /** The channel the conversation sticks to. */
  affinity?: Affinity;
  signal: AbortSignal;
  requestId: string;
}

export interface UpstreamResponse extends ChannelAnswer {
  channel: RuntimeChannel;
}

/** A Retry-After longer than this is not waited for: the channel cools this long at most. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

interface Deps {
  channels: { current(): Promise<readonly RuntimeChannel[]> };
  transport: Pick<ChannelTransport, 'call'>;
  health: Pick<ChannelHealth, 'state' | 'openUntil' | 'claimTrial' | 'succeeded' | 'failed' | 'refused'>;
  logger: Logger;
  onAttempt?: (channel: string, outcome: string) => void;
}

/**
 * What an answer says of the channel: `refused` the operator's key (401, 403), `failed`
 * (5xx, overloaded 429), or `ok` (any other answer, a client error included). Another
 * channel may do better on the first two.
 */
const verdict = (status: number): 'refused' | 'failed' | 'ok' =>
  status === 401 || status === 403 ? 'refused' : status >= 500 || status === 429 ? 'failed' : 'ok';

/**
 * The upstream provider over its channels. A request tries the channels that serve its
 * model in order (priority tiers, weighted, the conversation's channel first), skipping
 * those cooling down (a cooled-down one is tried by one request at a time); a connection
 * error, timeout, 5xx, 429, 401 or 403 moves it to the next, which is safe because nothing
 * has been sent to the client yet. Every outcome feeds the channel's shared health.
 */
export function createUpstreamClient({ channels, transport, health, logger, onAttempt }: Deps) {
  /** Whether `channel` may be tried now; a half-open channel only by the request that wins its trial. */
  async function admits(channel: RuntimeChannel, pinned: boolean): Promise<boolean> {
    const state = health.state(channel);
    if (state === 'closed' || pinned) return true;
    return state === 'half_open' && (await health.claimTrial(channel));
  }

  async function observe(channel: RuntimeChannel, answer: ChannelAnswer, latencyMs: number, requestId: string): Promise<void> {
    const { status } = answer;
    onAttempt?.(channel.name, status >= 300 ? `http_${status}` : 'ok');
    const v = verdict(status);
    if (v === 'refused') return health.refused(channel, status);
    if (v === 'failed') {
      logger.warn({ channel: channel.name, status, requestId }, 'upstream channel failed');
      return health.failed(channel, `HTTP ${status}`, status === 429 ? retryAfterMs(answer.headers['retry-after'], MAX_RETRY_AFTER_MS) : undefined);
    }
    health.succeeded(channel, latencyMs);
  }

  return {
    /** Whether some channel serves this model (for the models routes). */
    serves: async (model: string) => (await channels.current()).some((c) => serves(c, model)),

    async send(call: UpstreamCall): Promise<UpstreamResponse> {
      const order = channelOrder(await channels.current(), call.model, call.affinity?.channelKey);
      if (order.length === 0) throw new NotFoundError(`The model '${call.model}' is not served by this gateway.`, 'model_not_found', 'model');
      let held: UpstreamResponse | undefined;
      let lastError: unknown;
      let tried = 0;
      const attempt = async (channel: RuntimeChannel): Promise<UpstreamResponse | undefined> => {
        tried += 1;
        const started = Date.now();
        try {
          const answer = { ...(await transport.call(channel, call)), channel };
          await observe(channel, answer, Date.now() - started, call.requestId);
          if (verdict(answer.status) === 'ok') return answer;
          await held?.body.dump().catch(() => undefined);
          held = answer;
        } catch (err) {
          if (call.signal.aborted) throw err;
          lastError = err;
          const outcome = isTimeout(err) ? 'timeout' : 'error';
          onAttempt?.(channel.name, outcome);
          logger.warn({ channel: channel.name, err: (err as Error).message, requestId: call.requestId }, 'upstream channel unreachable');
          await health.failed(channel, outcome === 'timeout' ? 'timeout' : 'connection error');
        }
        return undefined;
      };

      for (const [i, channel] of order.entries()) {
        if (!(await admits(channel, i === 0 && call.affinity?.pinned === true))) continue;
        const answer = await attempt(channel);
        if (answer) return answer;
      }
      // Every channel is cooling down: rather than refuse outright, try the one that recovers first.
      if (tried === 0) {
        const soonest = [...order].sort((a, b) => health.openUntil(a) - health.openUntil(b))[0]!;
        const answer = await attempt(soonest);
        if (answer) return answer;
      }
      if (held) return held;
      throw isTimeout(lastError)
        ? new UpstreamError(504, 'The upstream provider did not answer in time.')
        : new UpstreamError(502, 'The upstream provider could not be reached.');
    },
  };
}

export type UpstreamClient = ReturnType<typeof createUpstreamClient>;
