/**
 * The provider an answer speaks for: OpenAI (and Azure OpenAI) or Anthropic.
 * Every API request goes through the same steps (latency, auth, injected
 * failures, model options); what differs is only how the provider words them,
 * which headers it sends, and how it shapes an error. A dialect holds exactly
 * that, so index.ts runs the steps once for both.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { anthropicKeyMatches, checkAuth, presentedAnthropicKey, presentedKey } from './auth.js';
import {
  anthropicErrorBody,
  anthropicForbidden,
  anthropicInjectedError,
  anthropicServerError,
  anthropicUnauthorized,
  missingAnthropicVersion,
} from './anthropic-errors.js';
import { setAnthropicHeaders } from './anthropic-headers.js';
import { type HttpError, requestIdOf, sendError, sendJson } from './http-util.js';
import { type ErrorContext, forbiddenRequest, injectedError, serverError } from './openai-errors.js';
import { setOpenAIHeaders } from './openai-headers.js';
import type { Route } from './routes.js';

export interface ApiDialect {
  readonly provider: 'openai' | 'anthropic';
  /** The provider's headers on every API answer; call before anything is written. */
  setHeaders(res: ServerResponse): void;
  /** Throws the provider's 400 or 401 unless the request is well-formed and presents the expected key (null expects none). */
  checkRequest(req: IncomingMessage, apiKey: string | null): void;
  /** The key the request presents, for errors that quote it. */
  presentedKey(req: IncomingMessage): string | undefined;
  /** The answer to `mock-error-<status>` and `failStatus`. */
  injectedError(status: number, context: ErrorContext): HttpError;
  /** The answer to `failNext` and to a whole answer that fails (`fail-after-<n>` without a stream). */
  serverError(): HttpError;
  /** The answer to `no-model-access` and `region-blocked`. */
  forbidden(why: 'model' | 'region', model: string): HttpError;
  sendError(res: ServerResponse, err: HttpError): void;
}

export const OPENAI: ApiDialect = {
  provider: 'openai',
  setHeaders: setOpenAIHeaders,
  checkRequest: checkAuth,
  presentedKey,
  injectedError,
  serverError,
  forbidden: forbiddenRequest,
  sendError,
};

export const ANTHROPIC: ApiDialect = {
  provider: 'anthropic',
  setHeaders: setAnthropicHeaders,
  checkRequest(req, apiKey) {
    if (req.headers['anthropic-version'] === undefined) throw missingAnthropicVersion();
    if (!anthropicKeyMatches(req, apiKey)) throw anthropicUnauthorized(presentedAnthropicKey(req));
  },
  presentedKey: presentedAnthropicKey,
  injectedError: anthropicInjectedError,
  serverError: anthropicServerError,
  forbidden: anthropicForbidden,
  sendError(res, err) {
    sendJson(res, err.status, anthropicErrorBody(err, requestIdOf(res)), err.headers);
  },
};

/**
 * The Messages routes are Anthropic's; the model list is both providers' at the
 * same path, and Anthropic's clients (its SDKs, Claude Code) always send
 * `anthropic-version`, OpenAI's never do.
 */
export function dialectOf(route: Route, req: IncomingMessage): ApiDialect {
  if (route.kind === 'messages' || route.kind === 'count_tokens') return ANTHROPIC;
  if ((route.kind === 'models' || route.kind === 'model') && !route.azure && req.headers['anthropic-version'] !== undefined) return ANTHROPIC;
  return OPENAI;
}
