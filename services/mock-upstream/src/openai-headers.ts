/**
 * The response headers api.openai.com sends (behind Cloudflare) on every API
 * answer. None of them belongs in a gateway's answer to its own customers: they
 * name the upstream account and set the upstream's cookies. The mock sends them
 * so the gateway's tests can check it strips them.
 */

import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export const MOCK_ORGANIZATION = 'org-mockupstream000000000000';
export const MOCK_PROJECT = 'proj_mockupstream000000000000';

// The 429 of mock-error-429 quotes the same limit these headers announce.
export const REQUESTS_PER_MINUTE = 500;
const TOKENS_PER_MINUTE = 30_000;

const COOKIE_LIFETIME_MS = 30 * 60 * 1000;

const STATIC_HEADERS: readonly (readonly [string, string])[] = [
  ['openai-organization', MOCK_ORGANIZATION],
  ['openai-project', MOCK_PROJECT],
  ['openai-version', '2020-10-01'],
  ['x-ratelimit-limit-requests', String(REQUESTS_PER_MINUTE)],
  ['x-ratelimit-remaining-requests', String(REQUESTS_PER_MINUTE - 1)],
  ['x-ratelimit-limit-tokens', String(TOKENS_PER_MINUTE)],
  ['x-ratelimit-remaining-tokens', String(TOKENS_PER_MINUTE - 1)],
  ['x-ratelimit-reset-requests', '120ms'],
  ['x-ratelimit-reset-tokens', '2ms'],
  ['strict-transport-security', 'max-age=31536000; includeSubDomains; preload'],
  ['x-content-type-options', 'nosniff'],
  ['cf-cache-status', 'DYNAMIC'],
  ['server', 'cloudflare'],
  ['alt-svc', 'h3=":443"; ma=86400'],
];

// openai-processing-ms is the time until the headers go out, known only then.
const startedAt = new WeakMap<ServerResponse, number>();

/** Sets the upstream's headers on an API answer; call before anything is written. */
export function setOpenAIHeaders(res: ServerResponse): void {
  startedAt.set(res, performance.now());
  for (const [name, value] of STATIC_HEADERS) res.setHeader(name, value);
  const now = Date.now();
  const expires = new Date(now + COOKIE_LIFETIME_MS).toUTCString();
  res.setHeader('set-cookie', [
    `__cf_bm=${hex()}-${Math.floor(now / 1000)}-1.0.1.1-${hex()}; path=/; expires=${expires}; domain=.api.openai.com; HttpOnly; Secure; SameSite=None`,
    `_cfuvid=${hex()}-${now}-0.0.1.1-604800000; path=/; domain=.api.openai.com; HttpOnly; Secure; SameSite=None`,
  ]);
  res.setHeader('cf-ray', `${hex().slice(0, 16)}-SJC`);
}

function hex(): string {
  return randomUUID().replaceAll('-', '');
}

/** Sets openai-processing-ms on an answer whose headers are about to be written. */
export function stampProcessingTime(res: ServerResponse): void {
  const started = startedAt.get(res);
  if (started !== undefined) res.setHeader('openai-processing-ms', String(Math.round(performance.now() - started)));
}
