import type { Request, RequestHandler, Response } from 'express';
import { type AuthFailureLimiter, TooManyFailuresError } from '../../infra/auth-failure-limiter.js';
import { HttpError, NO_RETRY, UnauthorizedError } from '../../infra/errors.js';
import type { Access } from '../../infra/routes.js';
import type { KeyService } from './key-service.js';
import type { ApiKeyRecord } from './key-store.js';

export interface ApiKeyAuth {
  keyId: number;
  userId: number;
}

class SuspendedAccountError extends HttpError {
  constructor() {
    super(403, 'The account this key belongs to is suspended; contact the operator of this gateway.', 'permission_error', 'account_suspended', NO_RETRY);
  }
}

const REFUSED_KEY = Symbol('refused key');

/** A refusal of a key that was issued: whose it is, and the code its refusal is recorded under. */
export interface RefusedKey {
  userId: number;
  keyId: number;
  code: string;
}

function ownedBy<E extends HttpError>(err: E, record: ApiKeyRecord, code: string): E {
  (err as E & { [REFUSED_KEY]?: RefusedKey })[REFUSED_KEY] = { userId: record.userId, keyId: record.id, code };
  return err;
}

/** The owner of the key an authentication error refused, when the key was issued (revoked, expired, suspended). */
export function refusedKeyOf(err: unknown): RefusedKey | undefined {
  return (err as { [REFUSED_KEY]?: RefusedKey } | null)?.[REFUSED_KEY];
}

/** The key a request presents: `Authorization: Bearer sk-…` (OpenAI's SDKs, Codex, Claude Code's auth token) or `x-api-key: sk-…` (Anthropic's SDKs). */
function presentedKey(req: Request): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && /^\S+$/.test(header.trim()) ? header.trim() : undefined;
}

/**
 * Authenticates the key a request presents (as a bearer token or as `x-api-key`). Keys that were never issued (guesses) count
 * against the client address, cluster-wide; an address past the limit gets 429s, and its
 * keys are looked up in the caches only. A revoked, expired or suspended key is a real
 * one, refused without counting.
 */
export function createApiKeyAuthenticator({ keys, failures }: { keys: KeyService; failures: AuthFailureLimiter }) {
  return async (req: Request): Promise<ApiKeyAuth> => {
    const key = presentedKey(req);
    if (!key) {
      throw new UnauthorizedError('Missing API key: send it as "Authorization: Bearer sk-…" (or "x-api-key: sk-…").', 'missing_api_key');
    }
    const address = req.ip ?? '';
    const blocked = failures.isBlocked(address);
    const outcome = await keys.authenticate(key, { cachedOnly: blocked });
    if (outcome.ok) return { keyId: outcome.record.id, userId: outcome.record.userId };
    const { record } = outcome;
    if (outcome.reason === 'suspended' && record) throw ownedBy(new SuspendedAccountError(), record, 'account_suspended');
    if (outcome.reason === 'expired' && record) throw ownedBy(new UnauthorizedError('This API key has expired.', 'api_key_expired'), record, 'api_key_expired');
    // Answered as an unknown key; recorded for its owner as what it is.
    if (outcome.reason === 'revoked' && record) throw ownedBy(new UnauthorizedError(), record, 'api_key_revoked');
    if (outcome.reason === 'unknown' && (blocked || (await failures.fail(address)))) throw new TooManyFailuresError();
    throw new UnauthorizedError();
  };
}

export type ApiKeyAuthenticator = ReturnType<typeof createApiKeyAuthenticator>;

/** The caller of a route behind apiKeyAuth or apiKeyAccess, which leave it in res.locals.auth. */
export const keyCaller = (res: Response): ApiKeyAuth => res.locals.auth as ApiKeyAuth;

/** The authenticator as middleware: the caller is left in res.locals.auth. */
export function apiKeyAuth(authenticate: ApiKeyAuthenticator): RequestHandler {
  return async (req, res, next) => {
    res.locals.auth = await authenticate(req);
    next();
  };
}

/**
 * A customer API route's access: a valid API key. The customer router authenticates every
 * call first (an unknown path then answers 404 only to a key holder); a route mounted
 * elsewhere (the metered routes) authenticates here.
 */
export function apiKeyAccess(authenticate: ApiKeyAuthenticator): Access {
  return {
    name: 'api_key',
    description: 'An API key: "Authorization: Bearer sk-…".',
    security: ['apiKey'],
    async check(req, res) {
      res.locals.auth ??= await authenticate(req);
    },
  };
}
