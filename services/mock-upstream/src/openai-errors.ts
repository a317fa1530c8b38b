/**
 * Errors worded, typed and coded the way the real API words them, so the
 * gateway's error mapping (and its scrubbing of upstream details) is exercised
 * realistically.
 */

import { HttpError } from './http-util.js';
import { MOCK_ORGANIZATION, MOCK_PROJECT, REQUESTS_PER_MINUTE } from './openai-headers.js';

/** What an injected error may quote from the request that provoked it. */
export interface ErrorContext {
  model: string;
  /** The API key the request presented (auth.ts presentedKey), if any. */
  apiKey: string | undefined;
}

export function injectedError(status: number, context: ErrorContext): HttpError {
  switch (status) {
    case 401:
      return unauthorized(context.apiKey);
    case 403:
      return new HttpError(
        403,
        `Your organization ${MOCK_ORGANIZATION} must be verified to use the model '${context.model}'. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.`,
        'invalid_request_error',
      );
    case 429:
      return new HttpError(
        429,
        `Rate limit reached for ${context.model} in organization ${MOCK_ORGANIZATION} on requests per min (RPM): Limit ${REQUESTS_PER_MINUTE}, Used ${REQUESTS_PER_MINUTE}, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'requests',
        null,
        'rate_limit_exceeded',
        { 'retry-after': '1', 'x-ratelimit-remaining-requests': '0' },
      );
    case 500:
      return serverError();
    case 503:
      return new HttpError(503, 'The engine is currently overloaded, please try again later.', 'server_error', null, null, {
        'retry-after': '1',
      });
    default:
      return status >= 500
        ? new HttpError(status, `Upstream failure ${status} (mock).`, 'server_error')
        : new HttpError(status, `Request rejected with ${status} (mock).`, 'invalid_request_error');
  }
}

/**
 * OpenAI's 403 for one request whose key is fine: the project may not use this model, or
 * the request comes from a country the API does not serve. Other requests on the same key
 * go through.
 */
export function forbiddenRequest(why: 'model' | 'region', model: string): HttpError {
  if (why === 'region') {
    return new HttpError(403, 'Country, region, or territory not supported', 'request_forbidden', null, 'unsupported_country_region_territory');
  }
  return new HttpError(403, `Project \`${MOCK_PROJECT}\` does not have access to model \`${model}\``, 'invalid_request_error', null, 'model_not_found');
}

/** OpenAI's 401: the key it was given, masked, or that none was given. */
export function unauthorized(key: string | undefined): HttpError {
  if (key === undefined) {
    return new HttpError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    );
  }
  return new HttpError(
    401,
    `Incorrect API key provided: ${maskApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

/**
 * A few leading characters (3 to 7, a quarter of the key), "***" and the last
 * four; a key under 12 characters keeps no tail, so at most half of it shows.
 */
export function maskApiKey(key: string): string {
  if (key.length < 12) return `${key.slice(0, Math.min(3, Math.floor(key.length / 2)))}***`;
  const head = Math.min(7, Math.max(3, Math.floor(key.length / 4)));
  return `${key.slice(0, head)}***${key.slice(-4)}`;
}

export function serverError(): HttpError {
  return new HttpError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error');
}

/** A previous_response_id this instance never generated (another channel did, or nobody). */
export function previousResponseNotFound(id: string): HttpError {
  return new HttpError(400, `Previous response with id '${id}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found');
}

/**
 * The same error announcing when to retry: `Retry-After` in whole seconds (HTTP
 * allows no fraction) and `retry-after-ms`, which OpenAI's SDKs read first.
 */
export function withRetryAfter(err: HttpError, seconds: number): HttpError {
  if (!(seconds > 0)) return err;
  const headers = { ...err.headers, 'retry-after': String(Math.ceil(seconds)), 'retry-after-ms': String(Math.round(seconds * 1000)) };
  return new HttpError(err.status, err.message, err.type, err.param, err.code, headers);
}

export function modelNotFound(id: string): HttpError {
  return new HttpError(404, `The model '${id}' does not exist`, 'invalid_request_error', 'model', 'model_not_found');
}

/** The `error` of a Chat Completions stream that fails after it started. */
export function chatStreamError(requestId: string): Record<string, unknown> {
  return {
    message: `The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error. (Please include the request ID ${requestId} in your email.)`,
    type: 'server_error',
    param: null,
    code: null,
  };
}

/** The `response.error` of a Responses stream that fails after it started (response.failed). */
export function responseStreamError(requestId: string): Record<string, unknown> {
  return {
    code: 'server_error',
    message: `An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists. Please include the request ID ${requestId} in your message.`,
  };
}
