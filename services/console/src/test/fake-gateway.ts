import { vi } from 'vitest';

export interface SentRequest {
  method: string;
  path: string;
  body: unknown;
}

/**
 * Stands in for the gateway behind `fetch`: answers the session read (its CSRF token) and
 * every other call with `answer`, and keeps what the console sent.
 */
export function fakeGateway(answer: unknown = {}, status = 201): SentRequest[] {
  const sent: SentRequest[] = [];
  const json = (body: unknown, code: number) => new Response(JSON.stringify(body), { status: code, headers: { 'content-type': 'application/json' } });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      if (path === '/api/console/session') return json({ csrf_token: 'token', account: null }, 200);
      sent.push({ method: init.method ?? 'GET', path, body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
      return json(answer, status);
    }),
  );
  return sent;
}
