/**
 * API keys as clients present them: OpenAI's `Authorization: Bearer <key>` and
 * Azure OpenAI's `api-key: <key>`; the mock accepts either on every route.
 */

import type { IncomingMessage } from 'node:http';
import { unauthorized } from './openai-errors.js';

export function bearerToken(authorization: string | undefined): string | undefined {
  const key = /^Bearer\s+(.*)$/i.exec(authorization ?? '')?.[1]?.trim();
  return key === undefined || key === '' ? undefined : key;
}

function azureKey(req: IncomingMessage): string | undefined {
  const key = req.headers['api-key'];
  const value = (Array.isArray(key) ? key[0] : key)?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** The key a request presents: its bearer token, else its api-key header. */
export function presentedKey(req: IncomingMessage): string | undefined {
  return bearerToken(req.headers.authorization) ?? azureKey(req);
}

/** Throws OpenAI's 401 unless one of the request's keys is the expected one; null expects none. */
export function checkAuth(req: IncomingMessage, apiKey: string | null): void {
  if (apiKey === null) return;
  if (bearerToken(req.headers.authorization) === apiKey || azureKey(req) === apiKey) return;
  throw unauthorized(presentedKey(req));
}
