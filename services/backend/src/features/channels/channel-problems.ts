import type { ChannelProblem } from '../../contract/admin-api.js';

/**
 * What went wrong with a channel, in a few fixed words. Staff see these categories, never
 * the socket's own text: an error message of the network stack names addresses, ports and
 * library internals that neither explain the problem nor belong in an answer.
 */

/** Thrown instead of sending anything to a host CHANNEL_ALLOWED_HOSTS does not list. */
export class HostNotAllowedError extends Error {
  readonly code = 'CG_HOST_NOT_ALLOWED';
  constructor() {
    super('the channel’s host is not in CHANNEL_ALLOWED_HOSTS');
    this.name = 'HostNotAllowedError';
  }
}

const TIMEOUTS = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const CERTIFICATES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'HOSTNAME_MISMATCH',
]);

/** The error and its causes (undici wraps the socket's error), at most a few deep. */
function chain(err: unknown): Array<{ code?: unknown; name?: unknown }> {
  const out: Array<{ code?: unknown; name?: unknown }> = [];
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) out.push(e as object);
  return out;
}

/** The category of an error thrown while calling a channel. */
export function problemOf(err: unknown): Exclude<ChannelProblem, 'key_refused' | 'http_status'> {
  for (const { code, name } of chain(err)) {
    const c = typeof code === 'string' ? code : '';
    if (c === 'CG_HOST_NOT_ALLOWED') return 'host_not_allowed';
    if (name === 'TimeoutError' || TIMEOUTS.has(c)) return 'timeout';
    if (c === 'ECONNREFUSED') return 'refused';
    if (DNS.has(c)) return 'dns';
    if (c === 'EPROTO' || c.startsWith('ERR_SSL_') || c.startsWith('ERR_TLS_') || CERTIFICATES.has(c)) return 'tls';
    if (RESETS.has(c)) return 'reset';
    if (UNREACHABLE.has(c)) return 'unreachable';
  }
  return 'error';
}

/** The category's words, as the admin API answers them (the console words them itself). */
export function describeProblem(problem: ChannelProblem, status: number | null): string {
  switch (problem) {
    case 'refused':
      return 'connection refused';
    case 'timeout':
      return 'timed out';
    case 'dns':
      return 'host name not found';
    case 'tls':
      return 'TLS handshake or certificate failed';
    case 'reset':
      return 'connection closed by the upstream';
    case 'unreachable':
      return 'network unreachable';
    case 'key_refused':
      return `key refused (HTTP ${status})`;
    case 'http_status':
      return `HTTP ${status}`;
    case 'host_not_allowed':
      return 'host not in CHANNEL_ALLOWED_HOSTS';
    default:
      return 'connection failed';
  }
}

/**
 * Error codes with which OpenAI (and compatible upstreams) refuse the credentials
 * themselves rather than one request: a wrong or revoked key, a deactivated account, an
 * organization or project the key does not belong to. Azure OpenAI answers "401".
 */
const KEY_CODES = new Set([
  'invalid_api_key',
  'account_deactivated',
  'no_organization',
  'invalid_organization',
  'mismatched_organization',
  'mismatched_project',
  'invalid_project',
  '401',
]);
/** A restricted key lacking a scope: the key is good, this call is not allowed. */
const MISSING_SCOPE = /missing scopes|insufficient permissions/i;

/**
 * Whether a 401/403 refuses the channel's key (`key`) or only this request (`request`: a
 * model the project may not use, a region, a policy). A 401 is about credentials unless it
 * names a missing scope; a 403 is about the request unless its code names the key.
 * Undefined for any other status.
 */
export function refusalOf(status: number, body: string): 'key' | 'request' | undefined {
  if (status !== 401 && status !== 403) return undefined;
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (parsed && typeof parsed.error === 'object' && parsed.error !== null) error = parsed.error as typeof error;
  } catch {
    error = undefined;
  }
  const code = typeof error?.code === 'string' || typeof error?.code === 'number' ? String(error.code) : '';
  if (KEY_CODES.has(code)) return 'key';
  if (status === 403) return 'request';
  return typeof error?.message === 'string' && MISSING_SCOPE.test(error.message) ? 'request' : 'key';
}
