import { Router } from 'express';
import { z } from 'zod';
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
} from '../../contract/console-api.js';
import { readCookies, setCookie } from '../../infra/cookies.js';
import { int8, parse } from '../../infra/validation.js';
import type { AccountService } from './account-service.js';
import { accountView } from './account-store.js';
import { actorOf } from '../admin/admin-auth.js';
import type { InviteService } from './invite-service.js';
import { caller, csrfTokenFor, requireCaller, SESSION_COOKIE } from './session-auth.js';
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
  const router = Router();

  router.get('/session', (req, res) => {
    const signedIn = caller(res);
    res.set('cache-control', 'no-store');
    res.json({
      user: signedIn ? accountView(signedIn.account) : null,
      csrf_token: csrfTokenFor(req, res, { secureCookies }),
      signup_mode: service.signupMode,
      api_base_url: apiBaseUrl,
    } satisfies SessionAnswer);
  });

  router.post('/auth/sign-up', async (req, res) => {
    const body = parse(signUpRequest, req.body);
    // The same answer whether the address was new or taken: the mail says which.
    await service.signUp({ email: body.email, password: body.password, inviteCode: body.invite_code, locale: body.locale });
    res.status(202).json({});
  });

  router.post('/auth/verify-email', async (req, res) => {
    const { token } = parse(verifyEmailRequest, req.body);
    res.json({ user: accountView(await service.verifyEmail(token)) });
  });

  router.post('/auth/resend-verification', async (req, res) => {
    await service.resendVerification(parse(emailRequest, req.body).email);
    res.status(202).json({});
  });

  router.post('/auth/sign-in', async (req, res) => {
    const body = parse(signInRequest, req.body);
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

  router.post('/auth/sign-out', async (req, res) => {
    const { everywhere } = parse(signOutRequest, req.body ?? {});
    const signedIn = caller(res);
    if (signedIn) await service.signOut(signedIn.sessionId, signedIn.account.id, everywhere ?? false);
    setCookie(res, SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: secureCookies });
    res.status(204).end();
  });

  router.post('/auth/forgot-password', async (req, res) => {
    await service.forgotPassword(parse(emailRequest, req.body).email);
    res.status(202).json({});
  });

  router.post('/auth/reset-password', async (req, res) => {
    const body = parse(resetPasswordRequest, req.body);
    await service.resetPassword(body.token, body.password);
    res.json({});
  });

  router.get('/me', (_req, res) => {
    res.json(accountView(requireCaller(res).account));
  });

  router.post('/me/password', async (req, res) => {
    const me = requireCaller(res);
    const body = parse(changePasswordRequest, req.body);
    await service.changePassword(me.account.id, me.sessionId, body.current_password, body.new_password);
    res.status(204).end();
  });

  return router;
}

/** POST /api/admin/signup-invites {count?, max_uses?, note?, expires_at?}: codes for invite-only sign-up. */
export function createAdminInviteRoutes({ invites }: { invites: InviteService }): Router {
  const router = Router();
  router.post('/signup-invites', async (req, res) => {
    const body = parse(
      z.object({
        count: z.number().int().min(1).max(1000).default(1),
        max_uses: int8().min(1).max(1_000_000).default(1),
        note: z.string().max(200).default(''),
        expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
      }),
      req.body ?? {},
    );
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
