import type { IncomingHttpHeaders } from 'node:http';
import { BadRequestError, NotFoundError, UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import type { ChannelHealth } from './channel-health.js';
import { describeProblem, problemOf, refusalOf } from './channel-problems.js';
import { type ApiPath, conversationOf, FORWARDED_REQUEST_HEADERS, retryAfterMs, routingText } from './channel-request.js';
import { channelOrder, serves } from './channel-router.js';
import { bufferedBody, isTimeout, readBounded, type ChannelAnswer, type ChannelTransport, type JsonBody } from './channel-transport.js';
import type { RuntimeChannel } from './channel-types.js';
import type { Affinity, SessionAffinity } from './session-affinity.js';

/** Where a request's conversation lives (session affinity), found before it is admitted. */
export interface Conversation {
  readonly userId: number;
  /**
   * Tokens of the conversation the request continues (the previous response's prompt and
   * output, as billed): the upstream reads them again as prompt, so the request reserves them.
   */
  readonly contextTokens: number;
  readonly affinity: Affinity;
}

/** A metered request for the channels. */
export interface ChannelRequest {
  conversation: Conversation;
  path: ApiPath;
  /** The model as the client named it: it chooses the channels, and their model map renames it. */
  model: string;
  body: JsonBody;
  /** The client's request headers: only the allow-list (FORWARDED_REQUEST_HEADERS) reaches the upstream. */
  clientHeaders: IncomingHttpHeaders;
  signal: AbortSignal;
  requestId: string;
}

/** A channel's answer, from the one that served or, when none did, the one whose answer the client gets. */
export interface ChannelReply extends ChannelAnswer {
  /** The channel's name (the books, the logs). */
  channel: string;
  /** A 401/403: whether it refused the operator's key or this request alone. */
  refusal: 'key' | 'request' | undefined;
  /** The answer is response `id`, its conversation now `contextTokens` long: a continuation goes to this channel, for this user only. */
  keepResponse(id: string, contextTokens: number): void;
}

/** A Retry-After longer than this is not waited for: the channel cools this long at most. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

interface Deps {
  channels: { current(): Promise<readonly RuntimeChannel[]> };
  transport: Pick<ChannelTransport, 'call'>;
  health: Pick<ChannelHealth, 'state' | 'openUntil' | 'claimTrial' | 'succeeded' | 'failed' | 'suspect'>;
  affinity: SessionAffinity;
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

interface Judged {
  verdict: Verdict;
  answer: ChannelAnswer;
  refusal: ChannelReply['refusal'];
}

/** The verdict on an answer; a 401/403 is read (it is small) to tell the two refusals apart, and can be read again. */
async function judge(answer: ChannelAnswer): Promise<Judged> {
  const { status } = answer;
  if (status !== 401 && status !== 403) return { verdict: status >= 500 || status === 429 ? 'failed' : 'ok', answer, refusal: undefined };
  const raw = await readBounded(answer.body).catch(() => Buffer.alloc(0));
  const refusal = refusalOf(status, raw.toString('utf8'));
  return { verdict: refusal === 'key' ? 'key' : 'forbidden', answer: { ...answer, body: bufferedBody(raw) }, refusal };
}

/** The client's headers that the upstream may see (the allow-list), as one flat record. */
function forwarded(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * The upstream provider over its channels, for the relay: where a conversation lives, and
 * `send`. A request tries the channels that serve its model in order (priority tiers,
 * weighted, the conversation's channel first), skipping those cooling down (a cooled-down
 * one is tried by one request at a time); a connection error, timeout, 5xx, 429, 401 or
 * 403 moves it to the next, which is safe because nothing has been sent to the client yet.
 * Every outcome feeds the channel's shared health, except a 403 that refuses the request
 * alone: however often customers meet it, it is theirs.
 */
export function createChannelSender({ channels, transport, health, affinity, logger, onAttempt }: Deps) {
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

  function reply(judged: Judged, channel: RuntimeChannel, conversation: Conversation): ChannelReply {
    return {
      ...judged.answer,
      channel: channel.name,
      refusal: judged.refusal,
      keepResponse: (id, contextTokens) => affinity.rememberResponse(conversation.userId, id, channel.key, contextTokens),
    };
  }

  return {
    /** Whether some channel serves this model (for the models routes). */
    serves: async (model: string) => (await channels.current()).some((c) => serves(c, model)),

    /**
     * The conversation a request belongs to (Codex's session header, `prompt_cache_key`) and
     * the response it continues. Another user's response is a 400; a response whose owner
     * cannot be checked (no Redis) a 503.
     */
    async conversation(
      userId: number,
      clientHeaders: IncomingHttpHeaders,
      keys: { promptCacheKey: unknown; previousResponseId: unknown },
    ): Promise<Conversation> {
      const previousResponseId = routingText(keys.previousResponseId);
      const found = await affinity.lookup(userId, conversationOf(clientHeaders, routingText(keys.promptCacheKey)), previousResponseId);
      if (found.foreign) {
        throw new BadRequestError(`Previous response with id '${previousResponseId}' not found.`, 'previous_response_not_found', 'previous_response_id');
      }
      return { userId, contextTokens: found.contextTokens, affinity: found };
    },

    async send(call: ChannelRequest): Promise<ChannelReply> {
      const pin = call.conversation.affinity;
      const order = channelOrder(await channels.current(), call.model, pin.channelKey, Math.random, call.path);
      if (order.length === 0) throw new NotFoundError(`The model '${call.model}' is not served by this gateway.`, 'model_not_found', 'model');
      const request = {
        method: 'POST' as const,
        path: call.path,
        model: call.model,
        body: call.body,
        headers: forwarded(call.clientHeaders),
        signal: call.signal,
        requestId: call.requestId,
      };
      let held: ChannelReply | undefined;
      let lastError: unknown;
      let tried = 0;
      /** The answer to give when no channel serves: the last, but a refused key (a generic 502) only when there is nothing else. */
      const hold = async (answer: ChannelReply, verdict: Verdict) => {
        if (verdict === 'key' && held) return answer.body.dump().catch(() => undefined);
        await held?.body.dump().catch(() => undefined);
        held = answer;
      };
      const attempt = async (channel: RuntimeChannel): Promise<ChannelReply | undefined> => {
        tried += 1;
        const started = Date.now();
        try {
          const judged = await judge(await transport.call(channel, request));
          await observe(channel, judged.answer, judged.verdict, Date.now() - started, call.requestId);
          const answer = reply(judged, channel, call.conversation);
          if (judged.verdict !== 'ok') {
            await hold(answer, judged.verdict);
            return undefined;
          }
          // The conversation sticks to the channel that served it.
          if (answer.status < 300) affinity.remember(pin, channel.key);
          return answer;
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
        if (!(await admits(channel, i === 0 && pin.pinned))) continue;
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

export type ChannelSender = ReturnType<typeof createChannelSender>;
