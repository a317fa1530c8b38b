import { Agent, errors, request } from 'undici';
import type { Config } from '../../infra/config.js';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: NodeJS.ReadableStream & AsyncIterable<Buffer>;
}

/** A keep-alive connection pool to the upstream provider's OpenAI-compatible API. */
export function createUpstreamClient(upstream: Config['upstream']) {
  const agent = new Agent({
    keepAliveTimeout: 30_000,
    connections: 256,
    headersTimeout: upstream.timeoutMs,
    bodyTimeout: upstream.timeoutMs,
  });

  function headers(extra: Record<string, string>): Record<string, string> {
    return { ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}), ...extra };
  }

  return {
    async send(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, requestId: string): Promise<UpstreamResponse> {
      const res = await request(`${upstream.baseUrl}${path}`, {
        method,
        dispatcher: agent,
        signal,
        headers: headers({
          'x-request-id': requestId,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    },
    close: () => agent.close(),
  };
}

export function isTimeout(err: unknown): boolean {
  return err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError || err instanceof errors.ConnectTimeoutError;
}

export type UpstreamClient = ReturnType<typeof createUpstreamClient>;
