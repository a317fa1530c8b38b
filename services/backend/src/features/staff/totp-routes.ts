import type { Router } from 'express';
import { type TotpSetupAnswer, totpCodeRequest } from '../../contract/console-api.js';
import { createRouter, route } from '../../infra/routes.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { SessionService } from '../accounts/session-service.js';
import type { SecondFactor } from './second-factor.js';

/**
 * /api/console/me/totp/setup and /enable: a signed-in person turns on two-factor sign-in
 * (staff owners and admins must, before the admin API opens to them). Enabling it marks
 * the current session as second-factor checked.
 */
export function createTotpRoutes({
  secondFactor,
  sessions,
}: {
  secondFactor: Pick<SecondFactor, 'setup' | 'enable'>;
  sessions: Pick<SessionService, 'markMfa'>;
}): Router {
  const router = createRouter();

  route(router, 'post', '/me/totp/setup', { access: SIGNED_IN, summary: 'Start two-factor enrolment: a new secret to scan' }, async (_in, res) => {
    const { account } = requireCaller(res);
    res.set('cache-control', 'no-store');
    res.json((await secondFactor.setup(account)) satisfies TotpSetupAnswer);
  });

  const enable = { access: SIGNED_IN, summary: 'Turn two-factor sign-in on with a first code', body: totpCodeRequest, status: 204, produces: 'none' as const };
  route(router, 'post', '/me/totp/enable', enable, async ({ body }, res) => {
    const me = requireCaller(res);
    const { code } = body;
    await secondFactor.enable(me.account, code);
    await sessions.markMfa(me.sessionId, me.session);
    res.status(204).end();
  });

  return router;
}
