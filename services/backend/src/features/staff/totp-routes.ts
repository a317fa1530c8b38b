import type { Router } from 'express';
import {
  type RecoveryCodesAnswer,
  recoveryCodesRequest,
  type TotpSetupAnswer,
  type TotpStatus,
  totpCodeRequest,
  totpSetupRequest,
} from '../../contract/console-api.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { SessionService } from '../accounts/session-service.js';
import type { SecondFactor } from '../accounts/second-factor.js';

/**
 * /api/console/me/totp…: a signed-in person turns on two-factor sign-in (staff must, before
 * the admin API opens to them) with their password, a secret to scan and a first code, and
 * keeps ten recovery codes. Enabling it marks the current session as second-factor checked.
 * Answers holding a secret or codes are never cached.
 */
export function createTotpRoutes({
  secondFactor,
  sessions,
}: {
  secondFactor: Pick<SecondFactor, 'status' | 'setup' | 'enable' | 'regenerateRecoveryCodes'>;
  sessions: Pick<SessionService, 'markMfa'>;
}): Router {
  const router = createRouter();
  const access = SIGNED_IN;

  route(router, 'get', '/me/totp', { access, summary: 'Whether two-factor sign-in is on, and how many recovery codes are left' }, async (_in, res) => {
    const { account } = requireCaller(res);
    res.json((await secondFactor.status(account)) satisfies TotpStatus);
  });

  route(
    router,
    'post',
    '/me/totp/setup',
    { access, summary: 'Start two-factor enrolment (the password): a new secret to scan', body: totpSetupRequest },
    async ({ body }, res) => {
      const { account } = requireCaller(res);
      res.set('cache-control', 'no-store');
      res.json((await secondFactor.setup(account, body.password)) satisfies TotpSetupAnswer);
    },
  );

  route(
    router,
    'post',
    '/me/totp/enable',
    { access, summary: 'Turn two-factor sign-in on with a first code: ten recovery codes, shown once', body: totpCodeRequest },
    async ({ body }, res) => {
      const me = requireCaller(res);
      const answer = await secondFactor.enable(me.account, body.code);
      await sessions.markMfa(me.sessionId, me.session);
      res.set('cache-control', 'no-store');
      res.json(answer satisfies RecoveryCodesAnswer);
    },
  );

  route(
    router,
    'post',
    '/me/totp/recovery-codes',
    { access, summary: 'New recovery codes (the password and a current code); the old ones stop working', body: recoveryCodesRequest },
    async ({ body }, res) => {
      const { account } = requireCaller(res);
      res.set('cache-control', 'no-store');
      res.json((await secondFactor.regenerateRecoveryCodes(account, body.password, body.code)) satisfies RecoveryCodesAnswer);
    },
  );

  return router;
}
