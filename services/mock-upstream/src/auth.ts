/**
 * API keys as clients present them: OpenAI's `Authorization: Bearer <key>`,
 * Azure OpenAI's `api-key: <key>` and Anthropic's `x-api-key: <key>`. The
 * OpenAI routes accept the first two; the Anthropic routes `x-api-key` and a
 * bearer token, which Claude Code sends when given ANTHROPIC_AUTH_TOKEN.
 */

import type { IncomingMessage } from 'node:http';
import { unauthorized } from './openai-errors.js';

export function bearerToken(authorization: string | undefined): string | undefined {
  const key = /^Bearer\s+(.*)$/i.exec(authorization ?? '')?.[1]?.trim();
  return key === undefined || key === '' ? undefined : key;
}

function headerKey(req: IncomingMessage, name: 'api-key' | 'x-api-key'): string | undefined {
  const key = req.headers[name];
  const value = (Array.isArray(key) ? key[0] : key)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The key a request presents: its bearer token, else its api-key header. */
export function presentedKey(req: IncomingMessage): string | undefined {
  return bearerToken(req.headers.authorization) ?? headerKey(req, 'api-key');
}

/** Throws OpenAI's 401 unless one of the request's keys is the expected one; null expects none. */
export function checkAuth(req: IncomingMessage, apiKey: string | null): void {
  if (apiKey === null) return;
  if (bearerToken(req.headers.authorization) === apiKey || headerKey(req, 'api-key') === apiKey) return;
  throw unauthorized(presentedKey(req));
}

/** The key an Anthropic client presents: its x-api-key header, else its bearer token. */
export function presentedAnthropicKey(req: IncomingMessage): string | undefined {
  return headerKey(req, 'x-api-key') ?? bearerToken(req.headers.authorization);
}

/** Whether one of the request's Anthropic keys is the expected one; null expects none. */
export function anthropicKeyMatches(req: IncomingMessage, apiKey: string | null): boolean {
  return apiKey === null || headerKey(req, 'x-api-key') === apiKey || bearerToken(req.headers.authorization) === apiKey;
}
