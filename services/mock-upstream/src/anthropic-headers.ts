/**
 * The response headers api.anthropic.com sends on every API answer, sent on the
 * Anthropic routes instead of OpenAI's (openai-headers.ts), for the same reason:
 * the gateway must not pass the upstream account's headers to its customers.
 */

import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { requestIdOf } from './http-util.js';
import { REQUESTS_PER_MINUTE } from './openai-headers.js';

export const ANTHROPIC_ORGANIZATION = '00000000-0000-4000-8000-00000000a0c5';

const TOKENS_PER_MINUTE = 30_000;

/** Sets the upstream's headers on an API answer; `request-id` repeats the answer's x-request-id. */
export function setAnthropicHeaders(res: ServerResponse): void {
  const reset = new Date(Math.ceil(Date.now() / 60_000) * 60_000).toISOString().replace('.000Z', 'Z');
  res.setHeader('request-id', requestIdOf(res));
  res.setHeader('anthropic-organization-id', ANTHROPIC_ORGANIZATION);
  for (const [name, limit] of [
    ['requests', REQUESTS_PER_MINUTE],
    ['tokens', TOKENS_PER_MINUTE],
  ] as const) {
    res.setHeader(`anthropic-ratelimit-${name}-limit`, String(limit));
    res.setHeader(`anthropic-ratelimit-${name}-remaining`, String(limit - 1));
    res.setHeader(`anthropic-ratelimit-${name}-reset`, reset);
  }
  res.setHeader('cf-ray', `${randomUUID().replaceAll('-', '').slice(0, 16)}-SJC`);
  res.setHeader('cf-cache-status', 'DYNAMIC');
  res.setHeader('x-robots-tag', 'none');
  res.setHeader('server', 'cloudflare');
}
