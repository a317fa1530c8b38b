import { Agent, errors, request } from 'undici';
import type { Config, UpstreamChannel } from '../../infra/config.js';
import { NotFoundError, UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';

export interface UpstreamCall {
  method: 'GET' | 'POST';
  /** Below the channel's base URL; `{model}` stands for the model's name as the channel calls it. */
  path: string;
  body?: Record<string, unknown>;
  /** Chooses the channels (and their model map); absent for calls any channel answers. */
  model?: string;
  signal: AbortSignal;
  requestId: string;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & { dump(): Promise<void> };
  channel: string;
}

/** A channel serves a model it lists, or every model when it lists none; a call without a model goes to any. */
const serves = (c: UpstreamChannel, model: string | undefined) => model === undefined || c.models.length === 0 || c.models.includes(model);

/** Channels that serve `model`, in a weighted random order (the first is tried first). */
export function channelOrder(channels: readonly UpstreamChannel[], model: string | undefined, random = Math.random): UpstreamChannel[] {
  const candidates = channels.filter((c) => serves(c, model));
  const order: UpstreamChannel[] = [];
  const pool = [...candidates];
  while (pool.length > 0) {
    const total = pool.reduce((sum, c) => sum + c.weight, 0);
    let pick = random() * total;
    const index = pool.findIndex((c) => (pick -= c.weight) < 0);
    order.push(...pool.splice(index < 0 ? pool.length - 1 : index, 1));
  }
  return order;
}

/**
 * The upstream provider over a keep-alive pool. A request goes to the first channel that
 * serves its model; a connection error or a 5xx moves it to the next channel, which is
 * safe because nothing has been sent to the client yet.
 */
export function createUpstreamClient(upstream: Config['upstream'], logger: Logger, onAttempt?: (channel: string, outcome: string) => void) {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: upstream.maxConnections,
    connect: { timeout: upstream.connectTimeoutMs },
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: upstream.timeoutMs,
  });

  async function attempt(channel: UpstreamChannel, call: UpstreamCall) {
    // Own keys only: a model named "constructor" must not find Object's.
    const mapped = call.model !== undefined && Object.hasOwn(channel.modelMap, call.model) ? channel.modelMap[call.model]! : call.model;
    const body = call.body && mapped !== call.model ? { ...call.body, model: mapped } : call.body;
    const res = await request(`${channel.baseUrl}${call.path.replace('{model}', encodeURIComponent(mapped ?? ''))}`, {
      method: call.method,
      dispatcher: agent,
      signal: call.signal,
      headers: {
        ...(channel.apiKey ? { authorization: `Bearer ${channel.apiKey}` } : {}),
        'x-request-id': call.requestId,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body, channel: channel.name };
  }

  return {
    /** Whether some channel serves this model (for the models routes). */
    serves: (model: string) => upstream.channels.some((c) => serves(c, model)),

    async send(call: UpstreamCall): Promise<UpstreamResponse> {
      const channels = channelOrder(upstream.channels, call.model);
      if (channels.length === 0) throw new NotFoundError(`The model '${call.model}' is not served by this gateway.`, 'model_not_found', 'model');
      let lastError: unknown;
      for (const [i, channel] of channels.entries()) {
        const isLast = i === channels.length - 1;
        try {
          const res = await attempt(channel, call);
          if (res.status >= 500 && !isLast) {
            onAttempt?.(channel.name, `http_${res.status}`);
            logger.warn({ channel: channel.name, status: res.status, requestId: call.requestId }, 'upstream channel failed; trying the next');
            await res.body.dump();
            continue;
          }
          onAttempt?.(channel.name, 'ok');
          return res;
        } catch (err) {
          if (call.signal.aborted) throw err;
          lastError = err;
          onAttempt?.(channel.name, isTimeout(err) ? 'timeout' : 'error');
          logger.warn({ channel: channel.name, err: (err as Error).message, requestId: call.requestId }, 'upstream channel unreachable');
        }
      }
      throw isTimeout(lastError)
        ? new UpstreamError(504, 'The upstream provider did not answer in time.')
        : new UpstreamError(502, 'The upstream provider could not be reached.');
    },
    close: () => agent.close(),
  };
}

export function isTimeout(err: unknown): boolean {
  return err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError;
}

export type UpstreamClient = ReturnType<typeof createUpstreamClient>;
