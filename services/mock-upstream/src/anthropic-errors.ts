/**
 * Errors as the Anthropic API words and shapes them:
 * `{"type":"error","error":{"type","message"},"request_id"}`, the type fixed by
 * the status as Anthropic documents it (docs.claude.com/en/api/errors). Every
 * HttpError thrown on an Anthropic route is answered this way, so the shared
 * checks (body size, method, model options) need no Anthropic copy of their own.
 */

import { HttpError } from './http-util.js';
import { ANTHROPIC_ORGANIZATION } from './anthropic-headers.js';
import type { ErrorContext } from './openai-errors.js';
import { REQUESTS_PER_MINUTE } from './openai-headers.js';

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** Anthropic uses invalid_request_error for the 4xx it does not list, and api_error is the 5xx it documents. */
export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function anthropicError(status: number, message: string, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, message, anthropicErrorType(status), null, null, headers);
}

/** The body of an error answer; `requestId` is the answer's request-id header. */
export function anthropicErrorBody(err: HttpError, requestId: string): Record<string, unknown> {
  return { type: 'error', error: { type: anthropicErrorType(err.status), message: err.message }, request_id: requestId };
}

/** The same failures as openai-errors.ts injectedError, in Anthropic's words. */
export function anthropicInjectedError(status: number, context: ErrorContext): HttpError {
  switch (status) {
    case 401:
      return anthropicUnauthorized(context.apiKey);
    case 403:
      return anthropicError(403, 'Your API key does not have permission to use the specified resource.');
    case 404:
      return anthropicError(404, `model: ${context.model}`);
    case 413:
      return anthropicError(413, 'Request exceeds the maximum allowed number of bytes.');
    case 429:
      return anthropicError(
        429,
        `This request would exceed the rate limit for your organization (${ANTHROPIC_ORGANIZATION}) of ${REQUESTS_PER_MINUTE} requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the number of requests, or try again later.`,
        { 'retry-after': '1', 'anthropic-ratelimit-requests-remaining': '0' },
      );
    case 500:
      return anthropicServerError();
    case 529:
      return anthropicError(529, 'Overloaded');
    default:
      return anthropicError(status, status >= 500 ? `Upstream failure ${status} (mock).` : `Request rejected with ${status} (mock).`);
  }
}

export function anthropicServerError(): HttpError {
  return anthropicError(500, 'Internal server error');
}

/** Anthropic never quotes the key back, masked or not. */
export function anthropicUnauthorized(key: string | undefined): HttpError {
  return anthropicError(401, key === undefined ? 'x-api-key header is required' : 'invalid x-api-key');
}

/** A 403 for this request only (model option no-model-access / region-blocked). */
export function anthropicForbidden(why: 'model' | 'region', model: string): HttpError {
  if (why === 'region') return anthropicError(403, 'Request not allowed');
  return anthropicError(403, `Your organization does not have access to the model '${model}'.`);
}

/** Anthropic refuses a request without the header before it reads anything else. */
export function missingAnthropicVersion(): HttpError {
  return anthropicError(400, 'anthropic-version: header is required');
}

/** The `error` event's data of a stream that fails after it started (the API's "Overloaded" mid-stream). */
export const ANTHROPIC_STREAM_ERROR = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } as const;
