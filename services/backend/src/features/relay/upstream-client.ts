import { retryAfterMs, type UpstreamPath } from '../channels/channel-request.js';
import { channelOrder, serves } from '../channels/channel-router.js';
import type { ChannelHealth } from '../channels/channel-health.js';
import { describeProblem, problemOf, refusalOf } from '../channels/channel-problems.js';
import { bufferedBody, isTimeout, readBounded, type ChannelAnswer, type ChannelTransport, type JsonBody } from '../channels/channel-transport.js';
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
  health: Pick<ChannelHealth, 'state' | 'openUntil' | 'claimTrial' | 'succeeded' | 'failed' | 'suspect'>;
  logger: Logger;
  onAttempt?: (channel: string, outcome: string) => void;
}

/**
 * What an answer says of the channel: `key` a 401/403 that refuses the operator's key
 * (for its probe to confirm), `forbidden` a 403 that refuses this request only (a model the
 * project may not use, a region), `failed` (5xx, overloaded 429), or `ok` (any other answer,
 * a client error included). Another channel may do better on all but `ok`.
 */
type Verdict = 'key' | 'forbidden' | 'failed' | 'ok';

/** The verdict on an answer; a 401/403 is read (it is small) to tell the two refusals apart, and can be read again. */
async function judge(answer: UpstreamResponse): Promise<{ verdict: Verdict; answer: UpstreamResponse }> {
  const { status } = answer;
  if (status !== 401 && status !== 403) return { verdict: status >= 500 || status === 429 ? 'failed' : 'ok', answer };
  const raw = await readBounded(answer.body).catch(() => Buffer.alloc(0));
  const verdict = refusalOf(status, raw.toString('utf8')) === 'key' ? 'key' : 'forbidden';
  return { verdict, answer: { ...answer, body: bufferedBody(raw) } };
}

/**
 * The upstream provider over its channels. A request tries the channels that serve its
 * model in order (priority tiers, weighted, the conversation's channel first), skipping
 * those cooling down (a cooled-down one is tried by one request at a time); a connection
 * error, timeout, 5xx, 429, 401 or 403 moves it to the next, which is safe because nothing
 * has been sent to the client yet. Every outcome feeds the channel's shared health, except
 * a 403 that refuses the request alone: however often customers meet it, it is theirs.
 */
export function createUpstreamClient({ channels, transport, health, logger, onAttempt }: Deps) {
  /** Whether `channel` may be tried now; a half-open channel only by the request that wins its trial. */
  async function admits(channel: RuntimeChannel, pinned: boolean): Promise<boolean> {
    const state = health.state(channel);
    if (state === 'closed' || pinned) return true;
    return state === 'half_open' && (await health.claimTrial(channel));
  }

  async function observe(channel: RuntimeChannel, answer: ChannelAnswer, verdict: Verdict, latencyMs: number, requestId: string): Promise<void> {
    const { status } = answer;
    onAttempt?.(channel.name, status >= 300 ? `http_${status}` : 'ok');
    if (verdict === 'key') return health.suspect(channel, status);
    if (verdict === 'failed') {
      logger.warn({ channel: channel.name, status, requestId }, 'upstream channel failed');
      return health.failed(channel, `HTTP ${status}`, status === 429 ? retryAfterMs(answer.headers['retry-after'], MAX_RETRY_AFTER_MS) : undefined);
    }
    // The channel answered; a refusal of this request alone says nothing against it.
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
      /** The answer to give when no channel serves: the last, but a refused key (a generic 502) only when there is nothing else. */
      const hold = async (answer: UpstreamResponse, verdict: Verdict) => {
        if (verdict === 'key' && held) return answer.body.dump().catch(() => undefined);
        await held?.body.dump().catch(() => undefined);
        held = answer;
      };
      const attempt = async (channel: RuntimeChannel): Promise<UpstreamResponse | undefined> => {
        tried += 1;
        const started = Date.now();
        try {
          const { verdict, answer } = await judge({ ...(await transport.call(channel, call)), channel });
          await observe(channel, answer, verdict, Date.now() - started, call.requestId);
          if (verdict === 'ok') return answer;
          await hold(answer, verdict);
        } catch (err) {
          if (call.signal.aborted) throw err;
          lastError = err;
          const problem = problemOf(err);
          onAttempt?.(channel.name, problem === 'timeout' ? 'timeout' : 'error');
          logger.warn({ channel: channel.name, problem, err: (err as Error).message, requestId: call.requestId }, 'upstream channel unreachable');
          if (problem !== 'host_not_allowed') await health.failed(channel, describeProblem(problem, null));
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
