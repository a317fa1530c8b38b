import { Agent, errors, request } from 'undici';
import type { Config } from '../../infra/config.js';
import { channelModel, channelTarget, type UpstreamPath } from './channel-request.js';
import type { RuntimeChannel } from './channel-types.js';

/** A JSON request body: its object, and the client's own bytes for as long as the gateway has not changed it. */
export interface JsonBody {
  json: Record<string, unknown>;
  bytes?: Buffer;
}

/** The bytes to send: the client's when the model keeps its name, else the object serialised with the channel's name. */
function encode(body: JsonBody, model: string | undefined, asked: string | undefined): string | Buffer {
  if (model !== asked) return JSON.stringify({ ...body.json, model });
  return body.bytes ?? JSON.stringify(body.json);
}

export interface ChannelCall {
  method: 'GET' | 'POST';
  path: UpstreamPath;
  /** The model as the client named it; the channel's model map renames it. */
  model?: string;
  body?: JsonBody;
  /** Client headers from the allow-list (FORWARDED_REQUEST_HEADERS). */
  headers?: Record<string, string>;
  signal: AbortSignal;
  requestId: string;
}

export interface ChannelAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & { dump(): Promise<void> };
}

const PROBE_TIMEOUT_MS = 10_000;

/** HTTP to the upstream channels over one keep-alive pool per worker. */
export function createChannelTransport(upstream: Config['upstream']) {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: upstream.maxConnections,
    connect: { timeout: upstream.connectTimeoutMs },
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: upstream.timeoutMs,
  });

  async function call(channel: RuntimeChannel, c: ChannelCall): Promise<ChannelAnswer> {
    const model = channelModel(channel, c.model);
    const target = channelTarget(channel, c.path, model);
    const res = await request(target.url, {
      method: c.method,
      dispatcher: agent,
      signal: c.signal,
      headers: {
        ...c.headers,
        ...target.auth,
        'x-request-id': c.requestId,
        ...(c.body ? { 'content-type': 'application/json' } : {}),
      },
      body: c.body ? encode(c.body, model, c.model) : undefined,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  return {
    call,
    /** GET /models with the channel's key: the status it answered (the body is discarded). */
    async probe(channel: RuntimeChannel): Promise<number> {
      const answer = await call(channel, { method: 'GET', path: '/models', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), requestId: 'probe' });
      await answer.body.dump();
      return answer.status;
    },
    close: () => agent.close(),
  };
}

export function isTimeout(err: unknown): boolean {
  return (
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    err instanceof errors.ConnectTimeoutError ||
    (err instanceof Error && err.name === 'TimeoutError')
  );
}

export type ChannelTransport = ReturnType<typeof createChannelTransport>;
