import { Agent, errors, request } from 'undici';
import { isHostAllowed } from '../../infra/allowed-hosts.js';
import type { Config } from '../../infra/config.js';
import { channelModel, channelTarget, type UpstreamPath } from './channel-request.js';
import { HostNotAllowedError } from './channel-problems.js';
import type { RuntimeChannel } from './channel-types.js';

/** A JSON request body: its object, and the client's own bytes for as long as the gateway has not changed it. */
export interface JsonBody {
  json: Record<string, unknown>;
  bytes?: Buffer;
  /** Not JSON: an upload (multipart/form-data), sent as its bytes with this content type. */
  contentType?: string;
}

/** The bytes to send: the client's when the model keeps its name (an upload always), else the object serialised with the channel's name. */
function encode(body: JsonBody, model: string | undefined, asked: string | undefined): string | Buffer {
  if (body.contentType && body.bytes) return body.bytes;
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
/** An error answer is small: what a probe reads of one, and what the relay reads to judge a 401/403. */
export const MAX_ERROR_BODY = 64 * 1024;

/** Up to `limit` bytes of a body; the rest is discarded. */
export async function readBounded(body: ChannelAnswer['body'], limit = MAX_ERROR_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks);
}

/** A body already read, to be read again. */
export function bufferedBody(bytes: Buffer): ChannelAnswer['body'] {
  return {
    async *[Symbol.asyncIterator]() {
      if (bytes.length > 0) yield bytes;
    },
    dump: async () => undefined,
  };
}

/**
 * HTTP to the upstream channels over one keep-alive pool per worker. Nothing is sent to a
 * host that CHANNEL_ALLOWED_HOSTS does not list, whatever asks (a request, a probe).
 */
export function createChannelTransport(upstream: Config['upstream'], allowedHosts: Config['channels']['allowedHosts']) {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: upstream.maxConnections,
    connect: { timeout: upstream.connectTimeoutMs },
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: upstream.timeoutMs,
  });

  async function call(channel: RuntimeChannel, c: ChannelCall): Promise<ChannelAnswer> {
    if (!isHostAllowed(allowedHosts, channel.baseUrl)) throw new HostNotAllowedError();
    const model = channelModel(channel, c.model);
    const target = channelTarget(channel, c.path, model);
    const res = await request(target.url, {
      method: c.method,
      dispatcher: agent,
      signal: c.signal,
      headers: {
        ...target.defaults,
        ...c.headers,
        ...target.auth,
        'x-request-id': c.requestId,
        ...(c.body ? { 'content-type': c.body.contentType ?? 'application/json' } : {}),
      },
      body: c.body ? encode(c.body, model, c.model) : undefined,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  return {
    call,
    /** GET /models with the channel's key: the status it answered, and the body of an error answer (a list is discarded). */
    async probe(channel: RuntimeChannel): Promise<{ status: number; body: string }> {
      const answer = await call(channel, { method: 'GET', path: '/models', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), requestId: 'probe' });
      if (answer.status < 300) {
        await answer.body.dump();
        return { status: answer.status, body: '' };
      }
      return { status: answer.status, body: (await readBounded(answer.body)).toString('utf8') };
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
