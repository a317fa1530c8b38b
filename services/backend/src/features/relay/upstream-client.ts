import { Agent, errors, request } from 'undici';
import type { Config, UpstreamChannel } from '../../infra/config.js';
import { NotFoundError, UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & { dump(): Promise<void> };
  channel: string;
}

/** Channels that serve `model`, in a weighted random order (the first is tried first). */
export function channelOrder(channels: readonly UpstreamChannel[], model: string, random = Math.random): UpstreamChannel[] {
  const candidates = channels.filter((c) => c.models.length === 0 || c.models.includes(model));
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

  async function attempt(channel: UpstreamChannel, method: 'GET' | 'POST', path: string, body: Record<string, unknown> | undefined, signal: AbortSignal, requestId: string) {
    const model = body && typeof body.model === 'string' ? body.model : undefined;
    const mapped = body && model && channel.modelMap[model] ? { ...body, model: channel.modelMap[model] } : body;
    const res = await request(`${channel.baseUrl}${path}`, {
      method,
      dispatcher: agent,
      signal,
      headers: {
        ...(channel.apiKey ? { authorization: `Bearer ${channel.apiKey}` } : {}),
        'x-request-id': requestId,
        ...(mapped ? { 'content-type': 'application/json' } : {}),
      },
      body: mapped ? JSON.stringify(mapped) : undefined,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body, channel: channel.name };
  }

  return {
    async send(method: 'GET' | 'POST', path: string, body: Record<string, unknown> | undefined, signal: AbortSignal, requestId: string): Promise<UpstreamResponse> {
      const model = typeof body?.model === 'string' ? body.model : '';
      const channels = channelOrder(upstream.channels, model);
      if (channels.length === 0) throw new NotFoundError(`The model "${model}" is not served by this gateway.`, 'model_not_found');
      let lastError: unknown;
      for (const [i, channel] of channels.entries()) {
        const isLast = i === channels.length - 1;
        try {
          const res = await attempt(channel, method, path, body, signal, requestId);
          if (res.status >= 500 && !isLast) {
            onAttempt?.(channel.name, `http_${res.status}`);
            logger.warn({ channel: channel.name, status: res.status, requestId }, 'upstream channel failed; trying the next');
            await res.body.dump();
            continue;
          }
          onAttempt?.(channel.name, 'ok');
          return res;
        } catch (err) {
          if (signal.aborted) throw err;
          lastError = err;
          onAttempt?.(channel.name, isTimeout(err) ? 'timeout' : 'error');
          logger.warn({ channel: channel.name, err: (err as Error).message, requestId }, 'upstream channel unreachable');
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
