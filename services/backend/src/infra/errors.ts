import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { isUnavailable } from './db.js';
import type { Logger } from './logger.js';

/**
 * An error that knows its HTTP meaning. `type` and `code` follow OpenAI's error shape,
 * which every API client of the gateway receives.
 */
export class HttpError extends Error {
  /** Fields added to the error object beside message, type, param and code (e.g. resets_at). */
  details: Record<string, unknown> = {};

  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
    /** The request field at fault, when there is one (OpenAI's `param`). */
    readonly param: string | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, code: string | null = 'invalid_request', param: string | null = null) {
    super(400, message, 'invalid_request_error', code, {}, param);
  }
}
/** For refusals that waiting a little cannot fix: the OpenAI SDKs (and Codex) then do not retry. */
export const NO_RETRY: Readonly<Record<string, string>> = { 'x-should-retry': 'false' };

/** A retry with the same credentials cannot succeed. */
export class UnauthorizedError extends HttpError {
  constructor(message = 'Incorrect API key provided.', code = 'invalid_api_key') {
    super(401, message, 'invalid_request_error', code, NO_RETRY);
  }
}
export class ForbiddenError extends HttpError {
  constructor(message: string, code = 'forbidden') {
    super(403, message, 'permission_error', code);
  }
}
export class NotFoundError extends HttpError {
  constructor(message = 'Not found.', code = 'not_found', param: string | null = null) {
    super(404, message, 'invalid_request_error', code, {}, param);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, `Request body is larger than ${limitBytes} bytes.`, 'invalid_request_error', 'request_too_large');
  }
}
export class UpstreamError extends HttpError {
  constructor(status: 502 | 504, message: string) {
    super(status, message, 'upstream_error', status === 504 ? 'upstream_timeout' : 'upstream_unavailable');
  }
}

export function errorBody(message: string, type: string, code: string | null, requestId?: string, param: string | null = null) {
  return { error: { message, type, param, code, ...(requestId ? { request_id: requestId } : {}) } };
}

/** Anthropic's error type for each status (its SDKs and Claude Code read `error.type`). */
function anthropicType(status: number): string {
  if (status === 400 || status === 405 || status === 415) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503 || status === 529) return 'overloaded_error';
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/**
 * An error in Anthropic's shape, `{"type":"error","error":{"type","message"},"request_id"}`,
 * for the Messages API's clients; the gateway's own code (and details such as resets_at)
 * ride along in the error object, which Anthropic's SDKs pass through untouched.
 */
export function anthropicErrorBody(status: number, message: string, requestId?: string, extra: Record<string, unknown> = {}) {
  return { type: 'error' as const, error: { type: anthropicType(status), message, ...extra }, ...(requestId ? { request_id: requestId } : {}) };
}

/** Whether a request speaks Anthropic's protocol: the Messages API's paths, or any call that names an anthropic-version. */
export function speaksAnthropic(req: Request): boolean {
  if (req.headers['anthropic-version'] !== undefined) return true;
  const path = req.path;
  return path.startsWith('/v1/messages') || path.startsWith('/api/v1/messages');
}

/** Routes nobody claimed answer 404 in the same shape as every other error. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`Unknown route: ${req.method} ${req.path}`, 'unknown_route'));
};

/** Body-parser errors carry `type` and `status`; map them to the API's shape. */
function fromBodyParser(err: { type?: string; status?: number; limit?: number }): HttpError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(err.limit ?? 0);
    case 'entity.parse.failed':
      return new BadRequestError('Request body is not valid JSON.', 'invalid_json');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'Unsupported content encoding or charset.', 'invalid_request_error', 'unsupported_encoding');
    case 'request.aborted':
      return new BadRequestError('Request was aborted by the client.', 'request_aborted');
    default:
      return err.status && err.status >= 400 && err.status < 500 ? new BadRequestError('Malformed request.', 'invalid_request') : undefined;
  }
}

/** Sends an error answer in the caller's protocol: Anthropic's for the Messages API, OpenAI's for everything else. */
export function sendError(req: Request, res: Response, status: number, body: ReturnType<typeof errorBody>, headers: Record<string, string> = {}): void {
  res.set(headers).status(status);
  if (!speaksAnthropic(req)) {
    res.json(body);
    return;
  }
  const { message, type: _type, param: _param, request_id, ...extra } = body.error as ReturnType<typeof errorBody>['error'] & Record<string, unknown>;
  if (typeof request_id === 'string') res.set('request-id', request_id);
  res.json(anthropicErrorBody(status, message, request_id as string | undefined, extra));
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = res.getHeader('x-request-id')?.toString();
    const known = err instanceof HttpError ? err : fromBodyParser(err);
    if (res.headersSent) {
      // Mid-stream failures cannot change the status any more; end the response.
      logger.warn({ err, requestId }, 'error after headers were sent');
      res.destroy();
      return;
    }
    if (!known && isUnavailable(err)) {
      // A database that does not answer (mid-failover, restarting): worth a retry, not a 500.
      logger.warn({ err: (err as Error).message, requestId, method: req.method, path: req.path }, 'database unavailable');
      const body = errorBody('The service is briefly unavailable; retry in a moment.', 'server_error', 'service_unavailable', requestId);
      sendError(req, res, 503, body, { 'retry-after': '2' });
      return;
    }
    if (!known) {
      logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
      sendError(req, res, 500, errorBody('Internal server error.', 'server_error', 'internal_error', requestId));
      return;
    }
    if (known.status >= 500) logger.warn({ err: known, requestId }, known.message);
    const body = errorBody(known.message, known.type, known.code, requestId, known.param);
    sendError(req, res, known.status, { error: { ...body.error, ...known.details } }, known.headers);
  };
}
