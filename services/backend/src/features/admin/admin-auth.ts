import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Actor } from '../../domain/staff-roles.js';
import { type AuthFailureLimiter, TooManyFailuresError } from '../../infra/auth-failure-limiter.js';
import { ForbiddenError, HttpError, UnauthorizedError } from '../../infra/errors.js';
import { caller, requireCsrf } from '../accounts/session-auth.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who is calling the admin API (authentication; what they may do is each route's
 * `requires`): the admin token (automation; it acts as an owner named "token"), or a staff
 * member's console session (`loadSession` ran before).
 *
 * The token is compared in constant time (digests of equal length, so neither its content
 * nor its length leaks through timing); wrong tokens count against the client address with
 * API keys' failures, and a blocked address is refused whatever it sends. A call with no
 * credentials at all is refused without counting (it guesses nothing). A staff session
 * sends the CSRF token on every change, like every console call, and every role must have
 * signed in with its second factor.
 */
export function adminAuth(adminToken: string | undefined, failures: AuthFailureLimiter): RequestHandler {
  const expected = adminToken ? digest(adminToken) : undefined;
  return async (req, res, next) => {
    const address = req.ip ?? '';
    const authorization = req.get('authorization');
    let actor: Actor;
    if (authorization !== undefined || !caller(res)) {
      if (!expected)
        throw new HttpError(503, 'The admin token is disabled: ADMIN_TOKEN is not set. Staff sign in to the console.', 'server_error', 'admin_disabled');
      if (await failures.isBlockedAnywhere(address)) throw new TooManyFailuresError();
      if (authorization === undefined) throw new UnauthorizedError('Sign in to the console as staff, or send the admin token.', 'not_signed_in');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
        if (await failures.fail(address)) throw new TooManyFailuresError();
        throw new UnauthorizedError('Invalid admin token.', 'invalid_admin_token');
      }
      actor = { name: 'token', userId: null, role: 'owner', address };
    } else {
      const { account, session } = caller(res)!;
      if (!account.role) throw new ForbiddenError('This account is not staff.', 'not_staff');
      if (!session.mfa) {
        throw new ForbiddenError('Staff use the admin API after signing in with their second factor (turn it on under Account).', 'mfa_required');
      }
      requireCsrf(req, res, () => undefined);
      actor = { name: account.email, userId: account.id, role: account.role, address };
    }
    res.locals.actor = actor;
    next();
  };
}
