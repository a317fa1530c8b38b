import type { Router } from 'express';
import {
  changePasswordRequest,
  emailRequest,
  resetPasswordRequest,
  signInRequest,
  signOutRequest,
  signUpRequest,
  verifyEmailRequest,
  type SessionAnswer,
  type SignInAnswer,
  type SignUpAnswer,
} from '../../contract/console-api.js';
import { readCookies, setCookie } from '../../infra/cookies.js';
import { createRouter, route } from '../../infra/routes.js';
import { newInvitesRequest } from './account-schemas.js';
import type { AccountService } from './account-service.js';
import { accountView } from './account-views.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { InviteService } from './invite-service.js';
import { ANYONE, caller, csrfTokenFor, requireCaller, SESSION_COOKIE, SIGNED_IN } from './session-auth.js';
import type { SessionService } from './session-service.js';

interface Deps {
  service: AccountService;
  sessions: Pick<SessionService, 'ttlSeconds' | 'get' | 'destroy'>;
  apiBaseUrl: string;
  /** PUBLIC_BASE_URL is https: cookies are Secure. */
  secureCookies: boolean;
}

/** /api/console/session, /auth/* and /me: who is signed in, and getting in and out. */
export function createAccountRoutes({ service, sessions, apiBaseUrl, secureCookies }: Deps): Router {
  const router = createRouter();

  /** A link mailed to an address: 202 whether or not it has an account, so the answer tells nobody. */
  function mailingRoute(path: string, summary: string, mail: (email: string) => Promise<void>): void {
    route(router, 'post', path, { access: ANYONE, summary, body: emailRequest, status: 202 }, async ({ body }, res) => {
      await mail(body.email);
      res.status(202).json({});
    });
  }

  route(router, 'get', '/session', { access: ANYONE, summary: 'Who is signed in, and the CSRF token to send' }, (_in, res, req) => {
    const signedIn = caller(res);
    res.set('cache-control', 'no-store');
    res.json({
      user: signedIn ? accountView(signedIn.account) : null,
      csrf_token: csrfTokenFor(req, res, { secureCookies }),
      signup_mode: service.signupMode,
      api_base_url: apiBaseUrl,
    } satisfies SessionAnswer);
  });

  route(
    router,
    'post',
    '/auth/sign-up',
    { access: ANYONE, summary: 'Sign up (202 for a new and a taken address alike: the mail says which)', body: signUpRequest, status: 202 },
    async ({ body }, res) => {
      // The same answer whether the address was new or taken: the mail says which.
      await service.signUp({ email: body.email, password: body.password, inviteCode: body.invite_code, locale: body.locale });
      res.status(202).json({} satisfies SignUpAnswer);
    },
  );

  route(
    router,
    'post',
    '/auth/verify-email',
    { access: ANYONE, summary: 'Verify an address with the mailed token', body: verifyEmailRequest },
    async ({ body }, res) => {
      res.json({ user: accountView(await service.verifyEmail(body.token)) });
    },
  );

  mailingRoute('/auth/resend-verification', 'Mail the verification link again', (email) => service.resendVerification(email));

  route(router, 'post', '/auth/sign-in', { access: ANYONE, summary: 'Sign in (sets the session cookie)', body: signInRequest }, async ({ body }, res, req) => {
    // A new id at every sign-in: a session id planted before it is worth nothing after.
    const previous = readCookies(req)[SESSION_COOKIE];
    if (previous) {
      const old = await sessions.get(previous);
      if (old) await sessions.destroy(previous, old.userId);
    }
    const { account, sessionId, session } = await service.signIn(body.email, body.password, req.ip ?? '', body.totp_code);
    setCookie(res, SESSION_COOKIE, sessionId, { maxAgeSeconds: sessions.ttlSeconds, secure: secureCookies });
    res.json({ user: accountView(account), csrf_token: session.csrf } satisfies SignInAnswer);
  });

  route(
    router,
    'post',
    '/auth/sign-out',
    { access: ANYONE, summary: 'Sign out (here, or everywhere)', body: signOutRequest, bodyOptional: true, status: 204, produces: 'none' },
    async ({ body }, res) => {
      const signedIn = caller(res);
      if (signedIn) await service.signOut(signedIn.sessionId, signedIn.account.id, body.everywhere ?? false);
      setCookie(res, SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: secureCookies });
      res.status(204).end();
    },
  );

  mailingRoute('/auth/forgot-password', 'Mail a password-reset link', (email) => service.forgotPassword(email));

  route(
    router,
    'post',
    '/auth/reset-password',
    { access: ANYONE, summary: 'Set a password with the mailed token', body: resetPasswordRequest },
    async ({ body }, res) => {
      await service.resetPassword(body.token, body.password);
      res.json({});
    },
  );

  route(router, 'get', '/me', { access: SIGNED_IN, summary: 'The signed-in account' }, (_in, res) => {
    res.json(accountView(requireCaller(res).account));
  });

  route(
    router,
    'post',
    '/me/password',
    { access: SIGNED_IN, summary: 'Change the password (the other sessions end)', body: changePasswordRequest, status: 204, produces: 'none' },
    async ({ body }, res) => {
      const me = requireCaller(res);
      await service.changePassword(me.account.id, me.sessionId, body.current_password, body.new_password);
      res.status(204).end();
    },
  );

  return router;
}

/** POST /api/admin/signup-invites {count?, max_uses?, note?, expires_at?}: codes for invite-only sign-up. */
export function createAdminInviteRoutes({ invites }: { invites: InviteService }): Router {
  const router = createRouter();
  const spec = { access: requires('invites.create'), summary: 'Make sign-up invite codes', body: newInvitesRequest, bodyOptional: true, status: 201 };
  route(router, 'post', '/signup-invites', spec, async ({ body }, res) => {
    const created = await invites.create(actorOf(res), {
      count: body.count,
      maxUses: body.max_uses,
      note: body.note,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
    });
    res.status(201).json({ data: created });
  });
  return router;
}
