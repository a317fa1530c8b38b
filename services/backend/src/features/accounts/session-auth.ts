import type { Request, RequestHandler, Response } from 'express';
import { readCookies, setCookie } from '../../infra/cookies.js';
import { ForbiddenError, HttpError } from '../../infra/errors.js';
import type { Access } from '../../infra/routes.js';
import type { AccountRow, AccountStore } from './account-store.js';
import { newToken, sameToken } from '../../infra/tokens.js';
import type { Session, SessionService } from './session-service.js';

export const SESSION_COOKIE = 'cg_session';
/** Before sign-in there is no session to bind the CSRF token to: it lives in this cookie (double submit). */
export const CSRF_COOKIE = 'cg_csrf';
const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleCaller {
  sessionId: string;
  session: Session;
  account: AccountRow;
}

export class NotSignedInError extends HttpError {
  constructor() {
    super(401, 'Sign in to the console first.', 'invalid_request_error', 'not_signed_in');
  }
}

/** The signed-in person of this request, if any (set by `loadSession`). */
export function caller(res: Response): ConsoleCaller | undefined {
  return res.locals.console as ConsoleCaller | undefined;
}

/** The signed-in person, or a 401. */
export function requireCaller(res: Response): ConsoleCaller {
  const c = caller(res);
  if (!c) throw new NotSignedInError();
  return c;
}

/** A console route for the signed-in person (customer or staff): 401 without a session. */
export const SIGNED_IN: Access = {
  name: 'signed_in',
  description: 'A signed-in person (customer or staff): the console session cookie, and x-csrf-token on changes.',
  security: ['consoleSession'],
  check: (_req, res) => void requireCaller(res),
};

/** A console route anyone may call (signing in, signing up, links from mails); changes still need the CSRF token. */
export const ANYONE: Access = {
  name: 'anyone',
  description: 'Anyone; a change still sends x-csrf-token (from GET /api/console/session).',
  security: [],
  check: () => undefined,
};

/**
 * Reads the session cookie: a live session of an active account leaves the caller in
 * res.locals.console. A session whose account was suspended meanwhile is ended.
 */
export function loadSession({ sessions, accounts }: { sessions: SessionService; accounts: Pick<AccountStore, 'findById'> }): RequestHandler {
  return async (req, res, next) => {
    const id = readCookies(req)[SESSION_COOKIE];
    const session = id ? await sessions.get(id) : undefined;
    if (id && session) {
      const account = await accounts.findById(session.userId);
      if (account?.status === 'active') res.locals.console = { sessionId: id, session, account } satisfies ConsoleCaller;
      else await sessions.destroy(id, session.userId);
    }
    next();
  };
}

/** The CSRF token this browser must send: its session's, or the pre-session cookie's (set here when missing). */
export function csrfTokenFor(req: Request, res: Response, { secureCookies }: { secureCookies: boolean }): string {
  const signedIn = caller(res);
  if (signedIn) return signedIn.session.csrf;
  const existing = readCookies(req)[CSRF_COOKIE];
  if (existing && existing.length >= 32 && existing.length <= 100) return existing;
  const token = newToken();
  setCookie(res, CSRF_COOKIE, token, { secure: secureCookies });
  return token;
}

/**
 * Every state-changing console call carries `x-csrf-token`: a page on another site can make
 * the browser send our cookies, but cannot read the token to send with them.
 */
export const requireCsrf: RequestHandler = (req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const sent = req.get(CSRF_HEADER);
  const expected = caller(res)?.session.csrf ?? readCookies(req)[CSRF_COOKIE];
  if (!sameToken(sent, expected)) {
    throw new ForbiddenError('Missing or stale CSRF token: reload the page (GET /api/console/session gives the token to send as x-csrf-token).', 'csrf_failed');
  }
  next();
};
