import type { ApiErrorBody, SessionAnswer } from '@codex-gateway/backend/console-api';

/** A failed console API call: the HTTP status, the gateway's error code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly requestId: string | null;
  /** Seconds from a Retry-After header (429), if any. */
  readonly retryAfter: number | null;

  constructor(init: { status: number; code: string | null; message: string; requestId?: string | null; retryAfter?: number | null }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }
}

/** Status 0 stands for "no answer at all": the network failed or the server is not there. */
const NETWORK = 0;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const SESSION_PATH = '/api/console/session';

export interface ApiClientOptions {
  /** Told about every session read by the client itself (after a csrf_failed retry). */
  onSessionRead?: (session: SessionAnswer) => void;
}

/**
 * The one place the console talks HTTP: same-origin cookies, the CSRF header on every
 * state-changing call, and the gateway's error shape turned into ApiError.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  let csrfToken: string | null = null;

  async function send(method: Method, path: string, body: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') {
      if (csrfToken === null) await readSession();
      if (csrfToken !== null) headers['x-csrf-token'] = csrfToken;
    }
    try {
      return await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw new ApiError({ status: NETWORK, code: 'network_error', message: cause instanceof Error ? cause.message : String(cause) });
    }
  }

  async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    let res = await send(method, path, body);
    if (res.status === 403 && method !== 'GET') {
      const failure = await toError(res.clone());
      // The token went stale (signed in or out in another tab): read the current one and try once more.
      if (failure.code === 'csrf_failed') {
        await readSession();
        res = await send(method, path, body);
      }
    }
    if (!res.ok) throw await toError(res);
    if (res.status === 204) return undefined as T;
    return (await readJson(res)) as T;
  }

  async function readSession(notify = true): Promise<SessionAnswer> {
    const session = await request<SessionAnswer>('GET', SESSION_PATH);
    csrfToken = session.csrf_token;
    if (notify) options.onSessionRead?.(session);
    return session;
  }

  return {
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
    patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
    delete: <T = void>(path: string) => request<T>('DELETE', path),
    /** GET /api/console/session, remembering its CSRF token for the calls that follow. */
    session: () => readSession(false),
    /** Sign-in answers with the token of the new session. */
    setCsrfToken: (token: string | null) => {
      csrfToken = token;
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    // An HTML page where JSON was expected: a proxy or a static server answered, not the gateway.
    throw new ApiError({ status: res.status, code: 'bad_response', message: `Unexpected answer from ${res.url || 'the server'}` });
  }
}

async function toError(res: Response): Promise<ApiError> {
  const retryAfter = Number(res.headers.get('retry-after'));
  const requestId = res.headers.get('x-request-id');
  let body: unknown = null;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = null;
  }
  if (isErrorBody(body)) {
    const { message, code, request_id } = body.error;
    return new ApiError({
      status: res.status,
      code,
      message,
      requestId: request_id ?? requestId,
      retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    });
  }
  const code = res.status >= 500 ? 'server_unavailable' : 'bad_response';
  return new ApiError({ status: res.status, code, message: `HTTP ${res.status} ${res.statusText}`.trim(), requestId });
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
