import type { ErrorRequestHandler, RequestHandler } from 'express';
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
      res
        .status(503)
        .set('retry-after', '2')
        .json(errorBody('The service is briefly unavailable; retry in a moment.', 'server_error', 'service_unavailable', requestId));
      return;
    }
    if (!known) {
      logger.error({ err, requestId, method: req.method, path: req.path }, 'unhandled error');
      res.status(500).json(errorBody('Internal server error.', 'server_error', 'internal_error', requestId));
      return;
    }
    if (known.status >= 500) logger.warn({ err: known, requestId }, known.message);
    const body = errorBody(known.message, known.type, known.code, requestId, known.param);
    res
      .set(known.headers)
      .status(known.status)
      .json({ error: { ...body.error, ...known.details } });
  };
}
