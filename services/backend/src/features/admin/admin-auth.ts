import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { type AuthFailureLimiter, TooManyFailuresError } from '../../infra/auth-failure-limiter.js';
import { HttpError, UnauthorizedError } from '../../infra/errors.js';
import type { Actor } from '../audit/audit-store.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `Authorization: Bearer ADMIN_TOKEN`, compared in constant time (digests of equal length,
 * so neither the content nor the length of the token leaks through timing). Wrong tokens
 * count against the client address with API keys' failures; a blocked address is refused
 * whatever it sends, so that guessing learns nothing.
 */
export function adminAuth(adminToken: string | undefined, failures: AuthFailureLimiter): RequestHandler {
  const expected = adminToken ? digest(adminToken) : undefined;
  return async (req, res, next) => {
    if (!expected) throw new HttpError(503, 'The admin API is disabled: ADMIN_TOKEN is not set.', 'server_error', 'admin_disabled');
    const address = req.ip ?? '';
    if (await failures.isBlockedAnywhere(address)) throw new TooManyFailuresError();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      if (await failures.fail(address)) throw new TooManyFailuresError();
      throw new UnauthorizedError('Invalid admin token.', 'invalid_admin_token');
    }
    res.locals.actor = { name: 'token', userId: null, role: 'owner', address } satisfies Actor;
    next();
  };
}

/** Who is making this admin call (set by the admin authentication): what the audit log records. */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new Error('admin route mounted without admin authentication');
  return actor;
}
